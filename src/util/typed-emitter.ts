import { EventEmitter } from 'node:events';

/**
 * An EventEmitter whose event names and argument lists come from one map type, so a typo in an
 * event name or a wrong payload is a compile error rather than a silent no-op.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly emitter = new EventEmitter();

  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /**
   * Calls every listener even when one throws: a follower's bug must not leave the emitter
   * half-way through a state change. Failures go to listenerFailed.
   */
  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    for (const listener of this.emitter.listeners(event)) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.listenerFailed(event, err);
      }
    }
  }

  /** Subclasses log these; by default they surface as an uncaught error on the next tick. */
  protected listenerFailed(event: string, err: unknown): void {
    queueMicrotask(() => {
      throw err;
    });
  }
}
