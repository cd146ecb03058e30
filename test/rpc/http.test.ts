/**
 * The RPC server's HTTP layer (node:http, no framework): paths and methods answered as Core
 * answers them, the body size limit, keep-alive connections, a stop that closes idle ones,
 * batches mixing synchronous and asynchronous methods, and exact call figures on /metrics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { PromMetrics } from '../../src/node/metrics.js';
import { basicAuthHeader } from '../../src/rpc/auth.js';
import { RpcDispatcher } from '../../src/rpc/dispatch.js';
import { methodTable } from '../../src/rpc/methods/index.js';
import { RpcServer } from '../../src/rpc/server.js';
import { silentLogger } from '../../src/util/logger.js';
import { parsePromText, sample } from '../helpers/prom-text.js';
import { CREDENTIALS, type Stack, openStack } from './stack.js';

const AUTH = basicAuthHeader(CREDENTIALS);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  reused: boolean;
}

function send(url: string, options: { method?: string; path?: string; body?: string; auth?: boolean; agent?: Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path ?? '/', url);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.auth !== false) headers.authorization = AUTH;
    const req = request(target, { method: options.method ?? 'POST', headers, agent: options.agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the RPC server over node:http', () => {
  let s: Stack;
  before(async () => {
    s = await openStack();
  });
  after(() => s.close());

  test('POST / and /wallet/<name> dispatch; other methods on them are 405, other paths 404, all behind auth', async () => {
    const body = '{"id":1,"method":"getblockcount"}';
    assert.deepEqual(JSON.parse((await send(s.url, { body })).text), { result: 0, error: null, id: 1 });
    const query = await send(s.url, { path: '/?x=1', body });
    assert.equal(query.status, 200);
    assert.equal((await send(s.url, { method: 'PUT', body })).status, 405);
    assert.equal((await send(s.url, { method: 'GET', path: '/wallet/w1' })).status, 405);
    assert.equal((await send(s.url, { path: '/nosuch', body })).status, 404);
    assert.equal((await send(s.url, { method: 'GET', path: '/metrics' })).status, 404, 'no metrics source given');
    const anonymous = await send(s.url, { path: '/nosuch', body, auth: false });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="jsonrpc"');
  });

  test('a reply is application/json with its length, and the connection stays open for the next call', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await send(s.url, { body: '{"id":1,"method":"getblockcount"}', agent });
      assert.equal(first.headers['content-type'], 'application/json');
      assert.equal(Number(first.headers['content-length']), Buffer.byteLength(first.text));
      assert.equal(first.headers.connection, 'keep-alive');
      const second = await send(s.url, { body: '{"id":2,"method":"getbestblockhash"}', agent });
      assert.equal(second.reused, true);
      assert.deepEqual(JSON.parse(second.text), { result: s.params.genesisHash, error: null, id: 2 });
    } finally {
      agent.destroy();
    }
  });

  test('a batch keeps its order when asynchronous calls (getblock) sit between synchronous ones, errors included', async () => {
    const hash = s.params.genesisHash;
    const body = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'getblockcount' },
      { jsonrpc: '2.0', id: 2, method: 'getblock', params: [hash, 0] },
      { jsonrpc: '2.0', id: 3, method: 'getblockhash', params: [9] },
      { jsonrpc: '2.0', method: 'getblock', params: [hash] },
      { id: 4, method: 'getblock', params: ['00'.repeat(32)] },
      { id: 5, method: 'getbestblockhash' },
    ]);
    const reply = await send(s.url, { body });
    assert.equal(reply.status, 200);
    const items = JSON.parse(reply.text) as Array<{ id: number; result?: unknown; error?: { code: number } | null }>;
    assert.deepEqual(
      items.map((item) => item.id),
      [1, 2, 3, 4, 5],
    );
    assert.equal(items[0].result, 0);
    assert.match(items[1].result as string, /^[0-9a-f]+$/);
    assert.equal(items[2].error?.code, -8);
    assert.equal(items[3].error?.code, -5);
    assert.deepEqual(items[4], { result: hash, error: null, id: 5 });
  });
});

describe('the body size limit', () => {
  let s: Stack;
  let small: RpcServer;
  before(async () => {
    s = await openStack();
    small = new RpcServer({ host: '127.0.0.1', port: 0, credentials: CREDENTIALS, authFailureDelayMs: 0, bodyLimit: 1000 }, { dispatcher: s.dispatcher, logger: silentLogger });
    await small.start();
  });
  after(async () => {
    await small.stop();
    await s.close();
  });

  test('a body over the limit is refused with 413, declared or streamed; one at the limit is answered', async () => {
    const padded = (size: number): string => {
      const call = '{"id":1,"method":"getblockcount"}';
      return call + ' '.repeat(size - call.length);
    };
    const atLimit = await send(small.url, { body: padded(1000) });
    assert.equal(atLimit.status, 200);
    assert.equal((await send(small.url, { body: padded(1001) })).status, 413);
    // Chunked, no Content-Length: the limit applies as the body arrives.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(small.url, { method: 'POST', headers: { authorization: AUTH } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(padded(600));
      req.end(' '.repeat(600));
    });
    assert.equal(streamed, 413);
    assert.equal((await send(small.url, { body: padded(1000) })).status, 200, 'still serving');
  });
});

describe('stop', { timeout: 60_000 }, () => {
  test('stop() returns with an idle keep-alive connection open, and closes it', async () => {
    const s = await openStack();
    const server = new RpcServer({ host: '127.0.0.1', port: 0, credentials: CREDENTIALS }, { dispatcher: s.dispatcher, logger: silentLogger });
    const { port } = await server.start();
    try {
      const socket = connect({ host: '127.0.0.1', port });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const body = '{"id":1,"method":"getblockcount"}';
      const answered = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          if (text.includes('"id":1}')) resolve(text);
        });
      });
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      assert.match(await answered, /^HTTP\/1\.1 200 OK\r\n/);
      await server.stop();
      await closed;
    } finally {
      await s.close();
    }
  });
});

describe('call figures on /metrics', () => {
  test('calls by method and outcome and the latency histogram count every call exactly, batches included', async () => {
    const s = await openStack();
    const metrics = new PromMetrics();
    const dispatcher = new RpcDispatcher(methodTable(), { control: s.context.control, now: () => Date.now() / 1000 }, silentLogger, metrics);
    dispatcher.ready(s.context);
    const server = new RpcServer({ host: '127.0.0.1', port: 0, credentials: CREDENTIALS }, { dispatcher, logger: silentLogger, metrics: () => metrics.exposition() });
    await server.start();
    try {
      for (let i = 0; i < 3; i++) await send(server.url, { body: '{"id":1,"method":"getblockcount"}' });
      await send(server.url, { body: '{"id":1,"method":"nosuch"}' });
      await send(server.url, { body: JSON.stringify(Array.from({ length: 50 }, (_, id) => ({ id, method: 'getblockcount' }))) });
      await send(server.url, { body: '{"id":1,"method":"getblockhash","params":[9]}' });
      const exposition = await send(server.url, { method: 'GET', path: '/metrics' });
      assert.equal(exposition.status, 200);
      const families = parsePromText(exposition.text.replace(/^.* Nan$/gm, ''));
      assert.equal(sample(families, 'powcoin_rpc_calls_total', { method: 'getblockcount', outcome: 'ok' }), 53);
      assert.equal(sample(families, 'powcoin_rpc_calls_total', { method: 'getblockcount', outcome: 'error' }), undefined);
      assert.equal(sample(families, 'powcoin_rpc_calls_total', { method: 'unknown', outcome: 'error' }), 1);
      assert.equal(sample(families, 'powcoin_rpc_calls_total', { method: 'getblockhash', outcome: 'error' }), 1);
      assert.equal(sample(families, 'powcoin_rpc_call_seconds_count', { method: 'getblockcount' }), 53);
      assert.equal(sample(families, 'powcoin_rpc_call_seconds_bucket', { method: 'getblockcount', le: '+Inf' }), 53);
      assert.equal(sample(families, 'powcoin_rpc_call_seconds_bucket', { method: 'getblockcount', le: '60' }), 53);
      const sum = sample(families, 'powcoin_rpc_call_seconds_sum', { method: 'getblockcount' })!;
      assert.ok(sum > 0 && sum < 60, `sum ${sum}`);
      // Cumulative: each bucket holds at least the one below it.
      const buckets = [...families.get('powcoin_rpc_call_seconds')!.samples].filter((x) => x.name.endsWith('_bucket') && x.labels.method === 'getblockcount').map((x) => x.value);
      assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b));
    } finally {
      await server.stop();
      await s.close();
    }
  });
});
