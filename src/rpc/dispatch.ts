/**
 * JSON-RPC 1.0 and 2.0 over one HTTP body, as Bitcoin Core's httprpc.cpp: a single call or a
 * batch; 1.0 replies carry both `result` and `error` and use HTTP 404/400/500 for errors, 2.0
 * replies carry one of them and always HTTP 200; 2.0 notifications (no id) get no reply.
 */
import type { Logger } from '../util/logger.js';
import { type Metrics, noopMetrics } from '../util/metrics.js';
import { RpcCode, RpcError, isRpcError } from './errors.js';
import type { RpcContext } from './interfaces.js';
import { stringifyJson } from './json.js';
import type { MethodTable, RpcMethod } from './methods/index.js';
import { helpFor } from './help/index.js';
import { scopeToWallet } from './methods/wallet-scope.js';
import { Params, arityError, requiredNullError } from './params.js';
import { RpcStats } from './stats.js';

export interface HttpReply {
  status: number;
  /** Undefined for a lone notification (HTTP 204). */
  body: string | undefined;
}

type Version = 1 | 2;


interface CallReply {
  version: Version;
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string };
  notification: boolean;
}

/** Before the chain is loaded only help, stop and uptime answer; they use just these parts. */
export type WarmupContext = Pick<RpcContext, 'control' | 'now'>;

export class RpcDispatcher {
  private context: RpcContext | undefined;
  private warmupStatus = 'Loading block index...';
  /** Per-endpoint contexts, made once: their wallet is resolved at each read, so they never go stale. */
  private readonly scoped = new Map<string | undefined, RpcContext>();

  private readonly stats: RpcStats;

  constructor(
    private readonly table: MethodTable,
    private readonly warmupContext: WarmupContext,
    private readonly logger: Logger,
    metrics: Metrics = noopMetrics,
  ) {
    this.stats = new RpcStats(metrics);
  }

  setWarmup(status: string): void {
    this.warmupStatus = status;
  }

  /** Every method answers from now on. */
  ready(context: RpcContext): void {
    this.context = context;
    this.scoped.clear();
  }

  private readonly loading = new Map<string, Promise<unknown>>();

  /**
   * The node answers once the chain is loaded; until `done` settles, methods of `group` (the
   * wallet's while it opens, the network's while p2p starts) wait for it rather than fail.
   * If it fails, they answer -28 with `status`, as Core does while that part is not up.
   */
  loadingGroup(group: string, done: Promise<unknown>, status: string): void {
    const gate = done.then(
      () => void this.loading.delete(group),
      () => {
        throw new RpcError(RpcCode.IN_WARMUP, status);
      },
    );
    gate.catch(() => {});
    this.loading.set(group, gate);
  }

  /** `walletName`: from a /wallet/<name> endpoint (undefined for '/'): the wallet the calls address. */
  async handle(text: string, walletName?: string): Promise<HttpReply> {
    return this.reply(text, walletName);
  }

  /**
   * As handle, but synchronous when every call in the body is (a getblockcount, or a batch of
   * them): the HTTP server then answers in the tick the body arrived, with no promise at all.
   */
  reply(text: string, walletName?: string): HttpReply | Promise<HttpReply> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return { status: 500, body: stringifyJson({ result: null, error: { code: RpcCode.PARSE_ERROR, message: 'Parse error' }, id: null }) };
    }
    if (!Array.isArray(request)) {
      const pending = this.call(request, walletName);
      return pending instanceof Promise ? pending.then(singleReply) : singleReply(pending);
    }
    if (request.length === 0) return { status: 400, body: stringifyJson({ result: null, error: { code: RpcCode.INVALID_REQUEST, message: 'Invalid Request: empty batch' }, id: null }) };
    return this.batch(request, walletName, 0, []);
  }

  /**
   * In order, one at a time, as Core. Each reply is written to JSON as it comes (no second walk
   * over the whole array); the loop stays synchronous until a call is not, then continues from it.
   */
  private batch(items: unknown[], walletName: string | undefined, from: number, parts: string[]): HttpReply | Promise<HttpReply> {
    for (let i = from; i < items.length; i++) {
      const pending = this.call(items[i], walletName);
      if (pending instanceof Promise) {
        return pending.then((reply) => {
          if (!reply.notification) parts.push(replyJson(reply));
          return this.batch(items, walletName, i + 1, parts);
        });
      }
      if (!pending.notification) parts.push(replyJson(pending));
    }
    return { status: 200, body: `[${parts.join(',')}]` };
  }

  /** One call: synchronous when the method is, so a getblockcount never waits for a microtask. */
  private call(request: unknown, walletName: string | undefined): CallReply | Promise<CallReply> {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return failed(1, null, new RpcError(RpcCode.INVALID_REQUEST, 'Invalid Request object'));
    }
    const fields = request as Record<string, unknown>;
    const version: Version = fields.jsonrpc === '2.0' ? 2 : 1;
    const notification = version === 2 && !('id' in fields);
    const id = fields.id ?? null;
    const method = fields.method;
    const started = performance.now();
    let result: unknown;
    try {
      if (fields.jsonrpc !== undefined && !['1.0', '1.1', '2.0'].includes(String(fields.jsonrpc))) throw new RpcError(RpcCode.INVALID_REQUEST, 'jsonrpc field must be a string, "1.0", "1.1" or "2.0"');
      if (typeof method !== 'string') throw new RpcError(RpcCode.INVALID_REQUEST, 'Method must be a string');
      result = this.execute(method, fields.params, walletName);
    } catch (err) {
      return this.failure(version, id, notification, method, started, err);
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => this.success(version, id, notification, method, started, value),
        (err: unknown) => this.failure(version, id, notification, method, started, err),
      );
    }
    return this.success(version, id, notification, method, started, result);
  }

  /** Every call ends in one of these two (the place for per-method metrics). */
  private success(version: Version, id: unknown, notification: boolean, method: unknown, started: number, result: unknown): CallReply {
    const seconds = this.measure(method, started, 'ok');
    this.logger.debug({ method, ms: Math.round(seconds * 100_000) / 100 }, 'rpc call');
    return { version, id, result: result === undefined ? null : result, notification };
  }

  private failure(version: Version, id: unknown, notification: boolean, method: unknown, started: number, err: unknown): CallReply {
    const error = this.asRpcError(err, method);
    this.logger.debug({ method, code: error.code, message: error.message }, 'rpc error');
    this.measure(method, started, 'error');
    return { ...failed(version, id, error), notification };
  }

  /** Counts a call; names outside the table count as "unknown", so a client cannot grow the series. */
  private measure(method: unknown, started: number, outcome: 'ok' | 'error'): number {
    const name = typeof method === 'string' && this.table.has(method) ? method : 'unknown';
    const seconds = (performance.now() - started) / 1000;
    this.stats.record(name, seconds, outcome === 'ok');
    return seconds;
  }

  private execute(name: string, rawParams: unknown, walletName: string | undefined): unknown {
    const method = this.table.get(name);
    if (!method) throw new RpcError(RpcCode.METHOD_NOT_FOUND, 'Method not found');
    const params = new Params(positional(method, rawParams));
    const context = this.context;
    if (!context) {
      if (!method.duringWarmup) throw new RpcError(RpcCode.IN_WARMUP, this.warmupStatus);
      // duringWarmup methods touch only control and now (see WarmupContext).
      return method.run(params, this.warmupContext as RpcContext);
    }
    const scoped = this.scopedContext(context, walletName);
    const loading = this.loading.get(method.group);
    // Only while that part starts: afterwards a synchronous method stays synchronous.
    if (loading) return loading.then(() => method.run(params, scoped));
    return method.run(params, scoped);
  }

  private scopedContext(context: RpcContext, walletName: string | undefined): RpcContext {
    let scoped = this.scoped.get(walletName);
    if (!scoped) {
      scoped = scopeToWallet(context, walletName);
      // Bounded: a client naming endless wallets must not grow this map.
      if (this.scoped.size < 64) this.scoped.set(walletName, scoped);
    }
    return scoped;
  }

  /** Unexpected exceptions are bugs: logged loudly, answered as Core answers a std::exception (-1). */
  private asRpcError(err: unknown, method: unknown): RpcError {
    if (isRpcError(err)) return err;
    this.logger.error({ err, method }, 'rpc method failed unexpectedly');
    return new RpcError(RpcCode.MISC_ERROR, err instanceof Error ? err.message : String(err));
  }
}

/** Positional parameters from an array, or from an object by the method's argument names. */
function positional(method: RpcMethod, raw: unknown): unknown[] {
  let values: unknown[];
  if (raw === undefined || raw === null) values = [];
  else if (Array.isArray(raw)) values = raw;
  else if (typeof raw === 'object') values = fromNamed(method, raw as Record<string, unknown>);
  else throw new RpcError(RpcCode.INVALID_REQUEST, 'Params must be an array or object');
  // Core's IsValidNumArgs: up to the last required argument, at most all of them.
  let requiredCount = 0;
  for (let i = method.args.length; i > 0; i--) {
    if (method.args[i - 1].required) {
      requiredCount = i;
      break;
    }
  }
  if (values.length > method.args.length || values.length < requiredCount) throw arityError(helpFor(method));
  for (let i = 0; i < requiredCount; i++) {
    if (method.args[i].required && (values[i] === undefined || values[i] === null)) throw requiredNullError(i + 1, method.args[i].name);
  }
  return values;
}

function fromNamed(method: RpcMethod, named: Record<string, unknown>): unknown[] {
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(named)) {
    const index = method.args.findIndex((arg) => arg.name === key);
    if (index < 0) throw new RpcError(RpcCode.INVALID_PARAMETER, `Unknown named parameter ${key}`);
    values[index] = value;
  }
  for (let i = 0; i < values.length; i++) values[i] ??= null;
  return values;
}

function failed(version: Version, id: unknown, error: RpcError): CallReply {
  return { version, id, error: { code: error.code, message: error.message }, notification: false };
}

function singleReply(reply: CallReply): HttpReply {
  if (reply.notification) return { status: 204, body: undefined };
  return { status: httpStatus(reply), body: replyJson(reply) };
}

/** One reply as JSON text: the id is the caller's own JSON value (no amounts), so only the result needs stringifyJson. */
function replyJson(reply: CallReply): string {
  const id = JSON.stringify(reply.id) ?? 'null';
  const error = reply.error ? JSON.stringify(reply.error) : undefined;
  if (reply.version === 2) return error ? `{"jsonrpc":"2.0","error":${error},"id":${id}}` : `{"jsonrpc":"2.0","result":${stringifyJson(reply.result)},"id":${id}}`;
  return `{"result":${error ? 'null' : stringifyJson(reply.result)},"error":${error ?? 'null'},"id":${id}}`;
}

/** Core's JSONErrorReply: 1.0 errors are 404 (no such method), 400 (bad request) or 500; 2.0 is always 200. */
function httpStatus(reply: CallReply): number {
  if (!reply.error || reply.version === 2) return 200;
  if (reply.error.code === RpcCode.METHOD_NOT_FOUND) return 404;
  if (reply.error.code === RpcCode.INVALID_REQUEST) return 400;
  return 500;
}
