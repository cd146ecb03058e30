/** The one error of the testnet orchestrator, whichever back end runs the nodes. */

/**
 * What went wrong, as a code a caller can branch on:
 * - `usage`: a bad flag, argument or value; `unknown-node`: no node by that name or role
 * - `no-testnet`: nothing to act on (no state file, no containers); `bad-state`: an unreadable state file
 * - `busy`: a port, directory or testnet already in use
 * - `not-running`: the node named is stopped; `start-failed`, `stop-failed`: up or down could not finish
 * - `timeout`: a condition did not hold within its ceiling
 * - `docker-unavailable`: Docker cannot be used here; `command-failed`: docker (or compose) exited non-zero
 * - `bad-reply`: a node answered something that is not JSON-RPC
 */
export type TestnetErrorCode =
  | 'usage'
  | 'unknown-node'
  | 'no-testnet'
  | 'bad-state'
  | 'busy'
  | 'not-running'
  | 'start-failed'
  | 'stop-failed'
  | 'timeout'
  | 'docker-unavailable'
  | 'command-failed'
  | 'bad-reply';

/** Exit code 2 for a command line that cannot work as typed (as the CLI's other usage errors), else 1. */
const USAGE_CODES: ReadonlySet<TestnetErrorCode> = new Set(['usage', 'unknown-node']);

/** A problem with a testnet: printed by the CLI as one line, with an exit code from its code. */
export class TestnetError extends Error {
  override readonly name = 'TestnetError';
  readonly exitCode: number;
  constructor(
    readonly code: TestnetErrorCode,
    message: string,
  ) {
    super(message);
    this.exitCode = USAGE_CODES.has(code) ? 2 : 1;
  }
}
