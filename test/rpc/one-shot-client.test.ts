/**
 * The CLI's JSON-RPC client (one HTTP/1.1 connection a call over node:net) against the real RPC
 * server: the same results and errors as RpcClient, one connection per call closed once answered;
 * and against real servers that frame answers otherwise (chunked) or do not speak HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { RpcClientError } from '../../src/rpc/client-error.js';
import { RpcError } from '../../src/rpc/errors.js';
import { OneShotRpcClient } from '../../src/rpc/one-shot-client.js';
import { CREDENTIALS, type Stack, openStack } from './stack.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

describe('OneShotRpcClient', () => {
  let s: Stack;
  before(async () => {
    s = await openStack();
  });
  after(() => s.close());

  test('answers as RpcClient: results, raw text, RPC errors, refused credentials', async () => {
    const client = new OneShotRpcClient({ url: s.url, credentials: CREDENTIALS });
    assert.equal(await client.call('getblockcount'), await s.client.call('getblockcount'));
    assert.equal(await client.callRaw('getblockcount'), '{"result":0,"error":null,"id":2}\n', 'the body as sent, with its newline');
    const unknown = await rejection(client.call('nosuchmethod'));
    assert.ok(unknown instanceof RpcError && unknown.code === -32601, String(unknown));
    const wrong = new OneShotRpcClient({ url: s.url, credentials: { user: 'alice', password: 'wrong' } });
    const refused = await rejection(wrong.call('getblockcount'));
    assert.ok(refused instanceof RpcClientError && refused.kind === 'unauthorized', String(refused));
  });

  test('one connection a call, closed once the answer is in', async () => {
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{"result":"ok","error":null,"id":1}'));
      res.setHeader('content-type', 'application/json');
    });
    const closed: Promise<void>[] = [];
    server.on('connection', (socket: Socket) => closed.push(new Promise((resolve) => socket.on('close', () => resolve()))));
    const url = await listen(server);
    try {
      const client = new OneShotRpcClient({ url, credentials: CREDENTIALS });
      assert.equal(await client.call('a'), 'ok');
      assert.equal(await client.call('b'), 'ok');
      assert.equal(closed.length, 2, 'a connection for each call');
      await Promise.all(closed);
    } finally {
      server.close();
    }
  });

  test('a chunked answer, split across writes, reads whole', async () => {
    const server = createHttpServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"result":[1,2,');
      setTimeout(() => res.end('3],"error":null,"id":1}'), 20);
    });
    const url = await listen(server);
    try {
      assert.deepEqual(await new OneShotRpcClient({ url, credentials: CREDENTIALS }).call('x'), [1, 2, 3]);
    } finally {
      server.close();
    }
  });

  test('nothing listening is "unreachable"; a server that is not HTTP is "bad-response"', async () => {
    const closedPort = createServer();
    const deadUrl = await listen(closedPort);
    await new Promise((resolve) => closedPort.close(resolve));
    const down = await rejection(new OneShotRpcClient({ url: deadUrl, credentials: CREDENTIALS }).call('x'));
    assert.ok(down instanceof RpcClientError && down.kind === 'unreachable', String(down));

    const ssh = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    const url = await listen(ssh);
    try {
      const garbled = await rejection(new OneShotRpcClient({ url, credentials: CREDENTIALS }).call('x'));
      assert.ok(garbled instanceof RpcClientError && garbled.kind === 'bad-response', String(garbled));
    } finally {
      ssh.close();
    }
  });
});
