/**
 * A JSON-RPC 1.0 client over node:http with keep-alive, as bitcoin-cli speaks: for processes
 * that call many times (tests, the testnet driver, benches). The CLI uses rpc/one-shot-client.ts
 * instead, which loads a fraction of this (no node:http) for its one call. Node-side failures come
 * back as RpcError (code, message); transport failures as RpcClientError.
 * Not fetch: Node's fetch (undici) costs ~70 ms to load on first use.
 */
import { Agent, request } from 'node:http';
import { basicAuthHeader } from './auth.js';
import { DEFAULT_TIMEOUT_MS, type HttpReply, JsonRpcClient } from './client-base.js';
import { RpcClientError } from './client-error.js';

export { type RpcClientOptions } from './client-base.js';
export { RpcClientError, type RpcClientErrorKind } from './client-error.js';

export class RpcClient extends JsonRpcClient {
  /** Keep-alive for callers that poll; idle sockets do not hold the process open. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  protected post(body: string): Promise<HttpReply> {
    const url = new URL(this.options.url);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
}
