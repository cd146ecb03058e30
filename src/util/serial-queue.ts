/**
 * Runs async tasks one at a time, in the order they were queued: the chain, the mempool and the
 * wallet each put every change through one, so no task sees another half done. A task that fails
 * rejects its own promise only; the queue goes on with the next.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has settled (not what is queued meanwhile). */
  async settled(): Promise<void> {
    await this.tail;
  }

  /** Resolves once the queue is empty, including tasks queued while waiting. */
  async idle(): Promise<void> {
    for (let tail = this.tail; ; tail = this.tail) {
      await tail;
      if (tail === this.tail) return;
    }
  }
}
