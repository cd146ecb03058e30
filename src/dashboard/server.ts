/**
 * The dashboard's HTTP server: fastify on loopback only. The page and its scripts are public (they
 * hold no data); the data, `/api/snapshot` and the server-sent events at `/events`, need the
 * read-only token (`?token=`, or `Authorization: Bearer`) or the RPC's basic-auth credentials.
 * The token reads the node's state and nothing else: it cannot call RPC methods.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../util/logger.js';
import type { DashboardAssets } from './assets.js';
import type { DashboardSource } from './types.js';

export interface DashboardServerOptions {
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Also accepted: the RPC's `Authorization: Basic` header value check. */
  checkBasicAuth?: (header: string | undefined) => boolean;
  /** Least ms between two pushes of non-urgent changes (mempool churn). */
  throttleMs?: number;
  /** A snapshot is pushed at least this often, for pings and tip age. */
  refreshMs?: number;
}

export interface DashboardServerModules {
  source: DashboardSource;
  assets: DashboardAssets;
  logger: Logger;
}

/** Loopback only, whatever the RPC binds to: the page shows the wallet. */
export const DASHBOARD_HOST = '127.0.0.1';

interface StaticFile {
  path: string;
  type: string;
}

export class DashboardServer {
  private readonly app: FastifyInstance;
  private readonly files: Map<string, StaticFile>;
  private readonly clients = new Set<FastifyReply>();
  private port = 0;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private lastPush = 0;

  constructor(
    private readonly options: DashboardServerOptions,
    private readonly modules: DashboardServerModules,
  ) {
    const { pageDir, uplotDir } = modules.assets;
    // A fixed list: no path from the request ever reaches the file system.
    this.files = new Map([
      ['/', { path: join(pageDir, 'index.html'), type: 'text/html; charset=utf-8' }],
      ['/app.js', { path: join(pageDir, 'app.js'), type: 'text/javascript; charset=utf-8' }],
      ['/style.css', { path: join(pageDir, 'style.css'), type: 'text/css; charset=utf-8' }],
      ['/vendor/uPlot.iife.min.js', { path: join(uplotDir, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' }],
      ['/vendor/uPlot.min.css', { path: join(uplotDir, 'uPlot.min.css'), type: 'text/css; charset=utf-8' }],
    ]);
    this.app = Fastify({ logger: false, forceCloseConnections: true });
    for (const [url, file] of this.files) this.app.get(url, (_request, reply) => this.sendFile(reply, file));
    this.app.get('/favicon.ico', (_request, reply) => reply.code(204).send());
    this.app.get('/api/snapshot', async (request, reply) => {
      if (!this.authorised(request)) return this.refuse(reply);
      await reply.header('cache-control', 'no-store').send(await modules.source.snapshot());
    });
    this.app.get('/events', (request, reply) => {
      if (!this.authorised(request)) return this.refuse(reply);
      this.subscribe(request, reply);
    });
  }

  async start(): Promise<string> {
    await this.app.listen({ host: DASHBOARD_HOST, port: this.options.port });
    const bound = this.app.server.address();
    this.port = typeof bound === 'object' && bound ? bound.port : this.options.port;
    this.unsubscribe = this.modules.source.onChange((urgent) => this.schedule(urgent));
    this.timer = setInterval(() => this.schedule(true), this.options.refreshMs ?? 2000);
    this.timer.unref();
    return this.url;
  }

  /** The address to open, token included. */
  get url(): string {
    return `http://${DASHBOARD_HOST}:${this.port}/?token=${this.options.token}`;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.timer);
    clearTimeout(this.pending);
    for (const client of this.clients) client.raw.end();
    this.clients.clear();
    await this.app.close();
  }

  private sendFile(reply: FastifyReply, file: StaticFile): FastifyReply {
    let body: Buffer;
    try {
      body = readFileSync(file.path);
    } catch (err) {
      this.modules.logger.error({ err, path: file.path }, 'dashboard file missing');
      return reply.code(500).type('text/plain').send('dashboard file missing');
    }
    return reply.type(file.type).header('cache-control', 'no-cache').send(body);
  }

  private authorised(request: FastifyRequest): boolean {
    const header = request.headers.authorization;
    if (header?.startsWith('Basic ') && this.options.checkBasicAuth?.(header)) return true;
    const query = (request.query as Record<string, unknown> | undefined)?.token;
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : typeof query === 'string' ? query : '';
    const a = Buffer.from(given);
    const b = Buffer.from(this.options.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private refuse(reply: FastifyReply): FastifyReply {
    return reply.code(401).header('www-authenticate', 'Basic realm="dashboard"').type('text/plain').send('the dashboard needs its token (see the node log or dashboard.url in the data dir)');
  }

  private subscribe(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    reply.raw.write('retry: 1000\n\n');
    this.clients.add(reply);
    request.raw.on('close', () => this.clients.delete(reply));
    void this.pushTo([reply]);
  }

  /** Urgent changes go out on the next tick; the rest at most once per throttle period. */
  private schedule(urgent: boolean): void {
    if (this.clients.size === 0) return;
    const wait = urgent ? 0 : Math.max(0, this.lastPush + (this.options.throttleMs ?? 500) - Date.now());
    if (this.pending && !urgent) return;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.pushTo([...this.clients]);
    }, wait);
  }

  private async pushTo(clients: FastifyReply[]): Promise<void> {
    this.lastPush = Date.now();
    let data: string;
    try {
      data = JSON.stringify(await this.modules.source.snapshot());
    } catch (err) {
      this.modules.logger.warn({ err }, 'dashboard snapshot failed');
      return;
    }
    for (const client of clients) if (!client.raw.writableEnded) client.raw.write(`event: snapshot\ndata: ${data}\n\n`);
  }
}
