/**
 * One `powcoin rpc`/`wallet` call with bitcoin-cli's -rpcwait: while the node is down, still
 * writing its cookie, or warming up (-28), wait and retry until it answers or the timeout passes.
 * Errors come out saying which of the three it is: node down, credentials wrong, method unknown.
 */
import { RpcClientError } from '../rpc/client-error.js';
import { CliError, type Connection, missingCookieMessage } from './connection.js';

export interface WaitOptions {
  wait: boolean;
  /** Seconds; 0 waits forever, as Core's -rpcwaittimeout=0. */
  timeoutSeconds: number;
}

const RETRY_MS = 250;
const IN_WARMUP = -28;

function isWarmup(text: string): boolean {
  try {
    return (JSON.parse(text) as { error?: { code?: number } | null }).error?.code === IN_WARMUP;
  } catch {
    return false;
  }
}

export async function callWithWait(connection: Connection, method: string, params: readonly unknown[], wait: WaitOptions): Promise<string> {
  const deadline = wait.timeoutSeconds > 0 ? Date.now() + wait.timeoutSeconds * 1000 : Infinity;
  const canRetry = () => wait.wait && Date.now() < deadline;
  for (;;) {
    // A cookie is re-read each try: a starting node replaces the one a crashed node left behind.
    if (connection.auth !== 'password') connection.reloadCookie();
    try {
      const text = await connection.client.callRaw(method, params);
      if (isWarmup(text) && canRetry()) {
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      return text;
    } catch (err) {
      const transient = err instanceof RpcClientError && (err.kind === 'unreachable' || (err.kind === 'unauthorized' && connection.auth !== 'password'));
      if (!transient || !canRetry()) throw explain(err, connection);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/** Without a cookie, a 401 means the node runs but its cookie is not where we looked. */
function explain(err: unknown, connection: Connection): unknown {
  if (!(err instanceof RpcClientError) || err.kind !== 'unauthorized') return err;
  if (connection.auth === 'missing') {
    return new CliError(`${missingCookieMessage(connection.options.networkDir)}\nA node answers at ${new URL(connection.client.options.url).host}: is it using another --datadir or --network?`);
  }
  const where = connection.auth === 'cookie' ? `the cookie in ${connection.options.networkDir} is not this node's (another --datadir or --network?)` : 'check --rpc-user and --rpc-password (or rpcuser=/rpcpassword= in powcoin.conf)';
  return new CliError(`${err.message}\nThe credentials are wrong: ${where}.`);
}
