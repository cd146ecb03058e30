/**
 * Runs a task one pass at a time: a kick while a pass runs asks for exactly one more pass after
 * it, however many kicks came. `idle` is called when a pass ends with none asked for.
 */
export class Rerun {
  private pass: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly idle: () => void = () => undefined,
  ) {}

  kick(): void {
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.task().finally(() => {
      this.pass = undefined;
      if (!this.again) return this.idle();
      this.again = false;
      this.kick();
    });
  }

  get running(): boolean {
    return this.pass !== undefined;
  }

  /** Resolves when the pass under way (if any) ends. */
  async settled(): Promise<void> {
    await this.pass;
  }
}
