/** Waiting on a testnet: every wait is a condition with a ceiling, and says what it waited for. */
import { TestnetError } from './errors.js';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/**
 * Polls `probe` until it answers a value (not undefined or false), every `intervalMs`; after
 * `timeoutMs` throws a `timeout` TestnetError naming `what` and the probe's last error.
 */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new TestnetError('timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}
