/**
 * The HTTP side of the JSON-RPC server: node:http on 127.0.0.1 by default, POST `/` (and Core's
 * `/wallet/<name>` paths, which bitcoin-core clients use), HTTP basic auth, raw bodies handed to
 * the dispatcher. Replies are `application/json` exactly, as Core's (some clients compare it).
 *
 * Plain node:http rather than a framework: a getblockcount is a few µs of work, and a framework's
 * hooks, content-type parsers and reply pipeline cost several times that per request (issue 15:
 * fastify's pipeline held the server at ~7k req/s). A synchronous method is answered in the same
 * tick its body arrives, the reply written in one piece (headers and body, one write).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Logger } from '../util/logger.js';
import { type Credentials, basicAuthChecker } from './auth.js';
import type { HttpReply, RpcDispatcher } from './dispatch.js';
import { RpcCode } from './errors.js';

export interface RpcServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  credentials: Credentials;
  /** A block is up to 4 MB, 8 MB as hex, plus the JSON around it. */
  bodyLimit?: number;
  /** Core waits 250 ms before answering a wrong password, to slow guessing. */
  authFailureDelayMs?: number;
}

/** GET /metrics: the Prometheus exposition, behind the same basic auth as the calls. */
export type MetricsSource = () => Promise<{ contentType: string; text: string }>;

export interface RpcServerModules {
  dispatcher: RpcDispatcher;
  logger: Logger;
  metrics?: MetricsSource;
}

const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;
/** Idle keep-alive connections stay open this long (as the fastify server before, which Core's clients never noticed). */
const KEEP_ALIVE_MS = 72_000;
const JSON_TYPE = 'application/json';
const INTERNAL_ERROR_BODY = `${JSON.stringify({ result: null, error: { code: RpcCode.INTERNAL_ERROR, message: 'Internal error' }, id: null })}\n`;

export class RpcServer {
  private readonly server: Server;
  private address: { host: string; port: number } | undefined;
  private readonly authorized: (header: string | undefined) => boolean;
  private readonly bodyLimit: number;
  /** Set by stop(): replies close their connection, new requests get 503 (as fastify's return503OnClosing). */
  private stopping = false;

  constructor(
    private readonly options: RpcServerOptions,
    private readonly modules: RpcServerModules,
  ) {
    this.authorized = basicAuthChecker(options.credentials);
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    // requestTimeout 0: a long-polling getblocktemplate may hold its connection for a minute.
    this.server = createServer({ requestTimeout: 0, noDelay: true }, (request, response) => this.route(request, response));
    this.server.keepAliveTimeout = KEEP_ALIVE_MS;
  }

  async start(): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error): void => reject(err);
      this.server.once('error', failed);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', failed);
        resolve();
      });
    });
    this.server.on('error', (err) => this.modules.logger.error({ err }, 'rpc server error'));
    const bound = this.server.address();
    const port = typeof bound === 'object' && bound ? bound.port : this.options.port;
    this.address = { host: this.options.host, port };
    this.modules.logger.info({ host: this.options.host, port }, 'rpc server listening');
    return this.address;
  }

  get url(): string {
    if (!this.address) throw new Error('the RPC server is not listening');
    const host = this.address.host.includes(':') ? `[${this.address.host}]` : this.address.host;
    return `http://${host}:${this.address.port}/`;
  }

  /** Stops accepting, lets calls in flight finish, closes idle keep-alive sockets. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.stopping = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    if (!this.authorized(request.headers.authorization)) {
      this.refuse(request, response);
      return;
    }
    if (this.stopping) {
      plain(response, 503, 'text/plain', 'Service Unavailable', true);
      request.resume();
      return;
    }
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const rpc = path === '/' || path.startsWith('/wallet/');
    if (rpc && request.method === 'POST') {
      this.readBody(request, response, path === '/' ? undefined : walletFromPath(path));
      return;
    }
    request.resume();
    if (rpc) plain(response, 405, 'text/plain', 'JSONRPC server handles only POST requests', this.stopping);
    else if (path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD') && this.modules.metrics) void this.serveMetrics(response, this.modules.metrics);
    else plain(response, 404, 'text/plain', '', this.stopping);
  }

  /** A wrong or missing password: Core's 401 with a Basic challenge, after a delay that slows guessing. */
  private refuse(request: IncomingMessage, response: ServerResponse): void {
    this.modules.logger.warn({ ip: request.socket.remoteAddress }, 'rpc request with wrong or missing credentials');
    request.resume();
    setTimeout(() => {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="jsonrpc"', 'content-length': '0', ...(this.stopping ? { connection: 'close' } : {}) });
      response.end();
    }, this.options.authFailureDelayMs ?? 250);
  }

  private readBody(request: IncomingMessage, response: ServerResponse, walletName: string | undefined): void {
    const declared = Number(request.headers['content-length']);
    if (declared > this.bodyLimit) {
      this.tooLarge(request, response);
      return;
    }
    let first: Buffer | undefined;
    let rest: Buffer[] | undefined;
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > this.bodyLimit) {
        request.off('data', onData);
        request.off('end', onEnd);
        this.tooLarge(request, response);
        return;
      }
      if (first === undefined) first = chunk;
      else (rest ??= [first]).push(chunk);
    };
    const onEnd = (): void => {
      const body = rest ? Buffer.concat(rest, size) : first;
      this.answer(response, body === undefined ? '' : body.toString('utf8'), walletName);
    };
    request.on('data', onData);
    request.on('end', onEnd);
  }

  /** 413 and the connection closed, without reading the rest of an oversized body. */
  private tooLarge(request: IncomingMessage, response: ServerResponse): void {
    plain(response, 413, 'text/plain', 'Request body is too large', true);
    response.on('finish', () => request.destroy());
  }

  private answer(response: ServerResponse, body: string, walletName: string | undefined): void {
    let reply: HttpReply | Promise<HttpReply>;
    try {
      reply = this.modules.dispatcher.reply(body, walletName);
    } catch (err) {
      this.failed(response, err);
      return;
    }
    if (reply instanceof Promise) {
      reply.then(
        (settled) => this.send(response, settled),
        (err: unknown) => this.failed(response, err),
      );
    } else {
      this.send(response, reply);
    }
  }

  private send(response: ServerResponse, reply: HttpReply): void {
    if (response.destroyed) return;
    if (reply.body === undefined) {
      response.writeHead(204, this.stopping ? { connection: 'close' } : undefined);
      response.end();
      return;
    }
    // A string body, so node:http writes the headers and the body in one write.
    const text = `${reply.body}\n`;
    response.writeHead(reply.status, this.stopping ? ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(text)), 'connection', 'close'] : ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(text))]);
    response.end(text);
  }

  /** The dispatcher answers every error itself; this is a bug, answered as Core answers an uncaught exception. */
  private failed(response: ServerResponse, err: unknown): void {
    this.modules.logger.error({ err }, 'rpc request failed unexpectedly');
    if (!response.headersSent && !response.destroyed) plain(response, 500, JSON_TYPE, INTERNAL_ERROR_BODY, this.stopping);
  }

  private async serveMetrics(response: ServerResponse, metrics: MetricsSource): Promise<void> {
    try {
      const { contentType, text } = await metrics();
      plain(response, 200, contentType, text, this.stopping);
    } catch (err) {
      this.failed(response, err);
    }
  }
}

function plain(response: ServerResponse, status: number, type: string, text: string, close: boolean): void {
  const headers: Record<string, string> = { 'content-type': type, 'content-length': String(Buffer.byteLength(text)) };
  if (close) headers.connection = 'close';
  response.writeHead(status, headers);
  response.end(text);
}

/** Core's /wallet/<name> endpoint: the URL-decoded rest of the path ("" is the default wallet's name). */
function walletFromPath(path: string): string {
  const raw = path.slice('/wallet/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
