/**
 * The HTTP side of the JSON-RPC server on 127.0.0.1 by default: POST `/` (and Core's
 * `/wallet/<name>` paths, which bitcoin-core clients use), HTTP basic auth, raw bodies handed to
 * the dispatcher. Replies are `application/json` exactly, as Core's (some clients compare it).
 *
 * HTTP/1.1 is spoken by our own small reader and connection (./http/) on node:net rather than
 * node:http: a getblockcount is a few µs of work, and node:http's request and response streams
 * cost about 20 µs more per request than reading the bytes and writing one string (issue 15:
 * profiled, node:http alone held the server below 2× bcoin). A synchronous method is answered in
 * the same tick its body arrives, the reply written in one piece (headers and body, one write).
 */
import { type Server, type Socket, createServer } from 'node:net';
import type { Logger } from '../util/logger.js';
import { type Credentials, basicAuthChecker } from './auth.js';
import type { HttpReply, RpcDispatcher } from './dispatch.js';
import { RpcCode } from './errors.js';
import { HttpConnection, type RequestHandler } from './http/connection.js';
import type { RequestHead } from './http/request-reader.js';

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
/** node:http's default: request line and headers together. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Idle keep-alive connections stay open this long (as the fastify server before, which Core's clients never noticed). */
const KEEP_ALIVE_MS = 72_000;
const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain';
const CHALLENGE = 'WWW-Authenticate: Basic realm="jsonrpc"\r\n';
const INTERNAL_ERROR_BODY = `${JSON.stringify({ result: null, error: { code: RpcCode.INTERNAL_ERROR, message: 'Internal error' }, id: null })}\n`;

export class RpcServer implements RequestHandler {
  private readonly server: Server;
  private address: { host: string; port: number } | undefined;
  private readonly authorized: (header: string | undefined) => boolean;
  private readonly connections = new Set<HttpConnection>();
  /** Set by stop(): replies close their connection, new requests get 503 (as fastify's return503OnClosing). */
  private stopping = false;

  constructor(
    private readonly options: RpcServerOptions,
    private readonly modules: RpcServerModules,
  ) {
    this.authorized = basicAuthChecker(options.credentials);
    const limits = { maxHeaderBytes: MAX_HEADER_BYTES, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, keepAliveMs: KEEP_ALIVE_MS };
    this.server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket, limits));
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
      for (const connection of this.connections) connection.closeWhenIdle();
    });
  }

  private accept(socket: Socket, limits: { maxHeaderBytes: number; bodyLimit: number; keepAliveMs: number }): void {
    const connection = new HttpConnection(socket, this, limits, this.modules.logger, (closed) => this.connections.delete(closed));
    this.connections.add(connection);
    if (this.stopping) connection.closeWhenIdle();
  }

  /** Only an authorized call's body is kept; any other is read and dropped. */
  wantsBody(head: RequestHead): boolean {
    return head.method === 'POST' && rpcPath(pathOf(head.url)) && this.authorized(head.authorization);
  }

  handle(connection: HttpConnection, head: RequestHead, body: Buffer | undefined): void {
    if (!this.authorized(head.authorization)) {
      this.refuse(connection);
      return;
    }
    if (this.stopping) {
      connection.respond(503, TEXT_TYPE, 'Service Unavailable', true);
      return;
    }
    const path = pathOf(head.url);
    const rpc = rpcPath(path);
    if (rpc && head.method === 'POST') this.answer(connection, body === undefined ? '' : body.toString('utf8'), path === '/' ? undefined : walletFromPath(path));
    else if (rpc) connection.respond(405, TEXT_TYPE, 'JSONRPC server handles only POST requests');
    else if (path === '/metrics' && (head.method === 'GET' || head.method === 'HEAD') && this.modules.metrics) void this.serveMetrics(connection, this.modules.metrics);
    else connection.respond(404, TEXT_TYPE, '');
  }

  /** A wrong or missing password: Core's 401 with a Basic challenge, after a delay that slows guessing. */
  private refuse(connection: HttpConnection): void {
    this.modules.logger.warn({ ip: connection.remoteAddress }, 'rpc request with wrong or missing credentials');
    setTimeout(() => connection.respond(401, undefined, '', this.stopping, CHALLENGE), this.options.authFailureDelayMs ?? 250);
  }

  private answer(connection: HttpConnection, body: string, walletName: string | undefined): void {
    let reply: HttpReply | Promise<HttpReply>;
    try {
      reply = this.modules.dispatcher.reply(body, walletName);
    } catch (err) {
      this.failed(connection, err);
      return;
    }
    if (reply instanceof Promise) {
      reply.then(
        (settled) => this.send(connection, settled),
        (err: unknown) => this.failed(connection, err),
      );
    } else {
      this.send(connection, reply);
    }
  }

  private send(connection: HttpConnection, reply: HttpReply): void {
    if (reply.body === undefined) connection.respond(204, undefined, '', this.stopping);
    else connection.respond(reply.status, JSON_TYPE, `${reply.body}\n`, this.stopping);
  }

  /** The dispatcher answers every error itself; this is a bug, answered as Core answers an uncaught exception. */
  private failed(connection: HttpConnection, err: unknown): void {
    this.modules.logger.error({ err }, 'rpc request failed unexpectedly');
    connection.respond(500, JSON_TYPE, INTERNAL_ERROR_BODY, this.stopping);
  }

  private async serveMetrics(connection: HttpConnection, metrics: MetricsSource): Promise<void> {
    try {
      const { contentType, text } = await metrics();
      connection.respond(200, contentType, text, this.stopping);
    } catch (err) {
      this.failed(connection, err);
    }
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function rpcPath(path: string): boolean {
  return path === '/' || path.startsWith('/wallet/');
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
