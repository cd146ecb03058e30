/**
 * The HTTP side of the JSON-RPC server: fastify on 127.0.0.1 by default, POST `/` (and Core's
 * `/wallet/<name>` paths, which bitcoin-core clients use), HTTP basic auth, raw bodies handed to
 * the dispatcher. Replies are `application/json` exactly, as Core's (some clients compare it).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../util/logger.js';
import { type Credentials, basicAuthChecker } from './auth.js';
import type { RpcDispatcher } from './dispatch.js';

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

export class RpcServer {
  private readonly app: FastifyInstance;
  private address: { host: string; port: number } | undefined;
  private readonly authorized: (header: string | undefined) => boolean;

  constructor(
    private readonly options: RpcServerOptions,
    private readonly modules: RpcServerModules,
  ) {
    this.authorized = basicAuthChecker(options.credentials);
    this.app = Fastify({ bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, logger: false, forceCloseConnections: 'idle' });
    this.app.removeAllContentTypeParsers();
    this.app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    this.app.addHook('onRequest', (request, reply, done) => this.authenticate(request, reply, done));
    const handler = (request: FastifyRequest, reply: FastifyReply) => this.post(request, reply);
    this.app.post('/', handler);
    this.app.post('/wallet/*', handler);
    const metrics = modules.metrics;
    if (metrics) {
      this.app.get('/metrics', async (_request, reply) => {
        const { contentType, text } = await metrics();
        await reply.code(200).header('content-type', contentType).send(text);
      });
    }
    this.app.get('/', (_request, reply) => reply.code(405).type('text/plain').send('JSONRPC server handles only POST requests'));
  }

  async start(): Promise<{ host: string; port: number }> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    const bound = this.app.server.address();
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
    await this.app.close();
  }

  private authenticate(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (this.authorized(request.headers.authorization)) {
      done();
      return;
    }
    this.modules.logger.warn({ ip: request.ip }, 'rpc request with wrong or missing credentials');
    setTimeout(() => {
      void reply.code(401).header('www-authenticate', 'Basic realm="jsonrpc"').send('');
    }, this.options.authFailureDelayMs ?? 250);
  }

  private async post(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const body = typeof request.body === 'string' ? request.body : '';
    const answer = await this.modules.dispatcher.handle(body, walletFromUrl(request.url));
    if (answer.body === undefined) {
      await reply.code(204).send();
      return;
    }
    // A Buffer, so fastify leaves the content type alone (for a string it appends a charset).
    await reply.code(answer.status).header('content-type', 'application/json').send(Buffer.from(`${answer.body}\n`));
  }
}

/** Core's /wallet/<name> endpoint: the URL-decoded rest of the path ("" is the default wallet's name). */
function walletFromUrl(url: string): string | undefined {
  const path = url.split('?', 1)[0];
  if (!path.startsWith('/wallet/')) return undefined;
  try {
    return decodeURIComponent(path.slice('/wallet/'.length));
  } catch {
    return path.slice('/wallet/'.length);
  }
}
