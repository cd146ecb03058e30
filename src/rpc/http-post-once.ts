/**
 * One HTTP/1.1 POST on its own TCP connection (`Connection: close`), as bitcoin-cli makes its
 * call: node:net and a small reader instead of node:http, whose agent, parser and message
 * streams cost a short-lived CLI process more than the call itself.
 */
import { connect } from 'node:net';
import { type HttpResponse, HttpResponseReader } from './http-response-reader.js';

export interface PostOnceRequest {
  host: string;
  port: number;
  /** Origin-form request target: path and query. */
  path: string;
  /** Header names and values; Host, Content-Length and Connection are added. */
  headers: Readonly<Record<string, string>>;
  body: string;
  /** Idle time on the connection before giving up. */
  timeoutMs: number;
}

export class HttpRequestError extends Error {
  override readonly name = 'HttpRequestError';
  readonly code = 'bad-http-request';
}

/** Resolves with the response, or rejects with the connection's error or an HttpResponseError. */
export function postOnce(request: PostOnceRequest): Promise<HttpResponse> {
  const head = requestHead(request);
  return new Promise((resolve, reject) => {
    const reader = new HttpResponseReader();
    const socket = connect({ host: request.host, port: request.port });
    let settled = false;
    const settle = (outcome: () => HttpResponse | undefined): void => {
      if (settled) return;
      try {
        const response = outcome();
        if (response === undefined) return;
        settled = true;
        resolve(response);
      } catch (err) {
        settled = true;
        reject(err);
      }
      socket.destroy();
    };
    socket.setTimeout(request.timeoutMs, () => socket.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => settle(() => reader.push(chunk)));
    socket.on('end', () => settle(() => reader.end()));
    socket.on('error', (err) => settle(() => {
      throw err;
    }));
    socket.on('close', () => settle(() => {
      throw new Error('the connection closed');
    }));
    // write, not end: a server may take our half-close for an abort (node:http does) and drop the answer.
    socket.write(head + request.body);
  });
}

function requestHead({ host, port, path, headers, body }: PostOnceRequest): string {
  const hostHeader = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const all: Record<string, string> = { ...headers, host: hostHeader, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
  let head = `POST ${path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(all)) {
    if (/[\r\n]/.test(name + value)) throw new HttpRequestError(`header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}
