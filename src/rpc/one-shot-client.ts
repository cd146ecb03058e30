/**
 * The JSON-RPC client of short-lived processes (the CLI): one HTTP/1.1 connection a call over
 * node:net (rpc/http-post-once.ts), so a `powcoin rpc` call loads no node:http and exits as soon
 * as it has the answer (no keep-alive socket to wind down). Same answers and errors as RpcClient.
 */
import { basicAuthHeader } from './auth.js';
import { DEFAULT_TIMEOUT_MS, type HttpReply, JsonRpcClient } from './client-base.js';
import { RpcClientError } from './client-error.js';
import { HttpRequestError, postOnce } from './http-post-once.js';
import { HttpResponseError } from './http-response-reader.js';

export class OneShotRpcClient extends JsonRpcClient {
  protected async post(body: string): Promise<HttpReply> {
    const url = new URL(this.options.url);
    try {
      const response = await postOnce({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port || 80),
        path: `${url.pathname}${url.search}`,
        headers: { 'content-type': 'application/json', authorization: basicAuthHeader(this.options.credentials) },
        body,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      return { status: response.status, type: response.headers.get('content-type') ?? '', text: response.body.toString('utf8') };
    } catch (err) {
      if (err instanceof HttpRequestError) throw new RpcClientError('http', err.message, { cause: err });
      if (err instanceof HttpResponseError) throw new RpcClientError('bad-response', `the server's reply is not HTTP: ${err.message}`, { cause: err });
      throw new RpcClientError('unreachable', `Could not connect to the server ${url.host}`, { cause: err });
    }
  }
}
