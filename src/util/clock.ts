/**
 * The node's clock in seconds since the epoch, as block and transaction times count. One is
 * made by the composition root and its `now` handed to every part that reads the time, so
 * regtest's `setmocktime` moves them all at once (Core's SetMockTime), never a global.
 */
export class NodeClock {
  private mocked = 0;

  /** The mock time while one is set, else the system clock, in whole seconds. */
  readonly now = (): number => this.mocked || Math.floor(Date.now() / 1000);

  /** 0 goes back to the system clock. */
  setMockTime(seconds: number): void {
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`mock time must be a whole number of seconds ≥ 0, not ${seconds}`);
    this.mocked = seconds;
  }

  /** The mock time, or 0 when the system clock is in use. */
  get mockTime(): number {
    return this.mocked;
  }
}
