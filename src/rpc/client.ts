/**
 * A JSON-RPC 1.0 client over fetch, as bitcoin-cli speaks: used by `powcoin rpc`, `powcoin
 * wallet` and the standalone miner. Node-side failures come back as RpcError (code, message);
 * transport failures as RpcClientError with a kind the CLI turns into bitcoin-cli's messages.
 */
import { type Credentials, basicAuthHeader } from './auth.js';
import { RpcError } from './errors.js';

export type RpcClientErrorKind = 'unreachable' | 'unauthorized' | 'http' | 'bad-response';

export class RpcClientError extends Error {
  override readonly name = 'RpcClientError';

  constructor(
    readonly kind: RpcClientErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface RpcClientOptions {
  url: string;
  credentials: Credentials;
  /** Long polls and big generatetoaddress calls take a while; default 15 minutes. */
  timeoutMs?: number;
}

export class RpcClient {
  private nextId = 0;

  constructor(readonly options: RpcClientOptions) {}

  /** The response body as text, for callers that print amounts exactly as sent (50.00000000). */
  async callRaw(method: string, params: readonly unknown[] = []): Promise<string> {
    const body = JSON.stringify({ jsonrpc: '1.0', id: ++this.nextId, method, params });
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuthHeader(this.options.credentials) },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15 * 60_000),
      });
    } catch (err) {
      throw new RpcClientError('unreachable', `Could not connect to the server ${new URL(this.options.url).host}`, { cause: err });
    }
    if (response.status === 401) throw new RpcClientError('unauthorized', 'Authorization failed: Incorrect rpcuser or rpcpassword');
    const text = await response.text();
    if (!response.headers.get('content-type')?.startsWith('application/json')) {
      throw new RpcClientError('http', `server returned HTTP error ${response.status}${text ? `: ${text}` : ''}`);
    }
    return text;
  }

  async call<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    const text = await this.callRaw(method, params);
    let reply: { result?: unknown; error?: { code: number; message: string } | null };
    try {
      reply = JSON.parse(text);
    } catch {
      throw new RpcClientError('bad-response', `the server's reply is not JSON: ${text.slice(0, 200)}`);
    }
    if (reply.error) throw new RpcError(reply.error.code, reply.error.message);
    return reply.result as T;
  }
}
