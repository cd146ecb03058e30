/**
 * A JSON-RPC 1.0 client over node:http, as bitcoin-cli speaks: used by `powcoin rpc`, `powcoin
 * wallet` and the standalone miner. Node-side failures come back as RpcError (code, message);
 * transport failures as RpcClientError with a kind the CLI turns into bitcoin-cli's messages.
 * Not fetch: Node's fetch (undici) costs ~70 ms to load on first use, half a CLI call's budget.
 */
import { Agent, request } from 'node:http';
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
  /** Keep-alive for callers that poll (the miner); idle sockets do not hold the process open. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(readonly options: RpcClientOptions) {}

  /** The response body as text, for callers that print amounts exactly as sent (50.00000000). */
  async callRaw(method: string, params: readonly unknown[] = []): Promise<string> {
    const body = JSON.stringify({ jsonrpc: '1.0', id: ++this.nextId, method, params });
    const { status, type, text } = await this.post(body);
    if (status === 401) throw new RpcClientError('unauthorized', 'Authorization failed: Incorrect rpcuser or rpcpassword');
    if (!type.startsWith('application/json')) {
      throw new RpcClientError('http', `server returned HTTP error ${status}${text ? `: ${text}` : ''}`);
    }
    return text;
  }

  private post(body: string): Promise<{ status: number; type: string; text: string }> {
    const url = new URL(this.options.url);
    const timeoutMs = this.options.timeoutMs ?? 15 * 60_000;
    return new Promise((resolve, reject) => {
      const unreachable = (err: Error) => reject(new RpcClientError('unreachable', `Could not connect to the server ${url.host}`, { cause: err }));
      const req = request(
        {
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || 80,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: basicAuthHeader(this.options.credentials) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', unreachable);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', unreachable);
      req.end(body);
    });
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
