/**
 * What both JSON-RPC clients share (rpc/client.ts over node:http with keep-alive, for processes
 * that call often; rpc/one-shot-client.ts over node:net, one connection a call, for the CLI):
 * the JSON-RPC 1.0 envelope and how an HTTP answer becomes a result, an RpcError or an
 * RpcClientError. Subclasses only move bytes.
 */
import type { Credentials } from './auth.js';
import { RpcClientError } from './client-error.js';
import { RpcError } from './errors.js';

export interface RpcClientOptions {
  url: string;
  credentials: Credentials;
  /** Long polls and big generatetoaddress calls take a while; default 15 minutes. */
  timeoutMs?: number;
}

/** One HTTP answer: status, content type and the body as text. */
export interface HttpReply {
  status: number;
  type: string;
  text: string;
}

export const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export abstract class JsonRpcClient {
  private nextId = 0;

  constructor(readonly options: RpcClientOptions) {}

  /** POSTs a JSON body to options.url; transport failures reject with RpcClientError. */
  protected abstract post(body: string): Promise<HttpReply>;

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
