import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Stack, openStack } from './stack.js';

describe('JSON-RPC over HTTP: auth, 1.0/2.0 shapes, batches, errors', () => {
  let s: Stack;
  before(async () => {
    s = await openStack();
  });
  after(() => s.close());

  test('401 without credentials or with wrong ones, with a Basic challenge', async () => {
    const none = await s.post('{"method":"getblockcount"}', { auth: false });
    assert.equal(none.status, 401);
    const wrong = await s.post('{"method":"getblockcount"}', { auth: { user: 'alice', password: 'wrong' } });
    assert.equal(wrong.status, 401);
    const response = await fetch(s.url, { method: 'POST', body: '{}' });
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="jsonrpc"/);
  });

  test('JSON-RPC 1.0: result and error both present, content type exactly application/json', async () => {
    const reply = await s.post('{"jsonrpc":"1.0","id":"x","method":"getblockcount","params":[]}');
    assert.equal(reply.status, 200);
    assert.equal(reply.contentType, 'application/json');
    assert.deepEqual(reply.json(), { result: 0, error: null, id: 'x' });
  });

  test('JSON-RPC 2.0: only result or only error, always HTTP 200', async () => {
    assert.deepEqual((await s.post('{"jsonrpc":"2.0","id":7,"method":"getblockcount"}')).json(), { jsonrpc: '2.0', result: 0, id: 7 });
    const missing = await s.post('{"jsonrpc":"2.0","id":8,"method":"nosuch"}');
    assert.equal(missing.status, 200);
    assert.deepEqual(missing.json(), { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 8 });
  });

  test('-32700 parse error answers HTTP 500 with id null', async () => {
    const reply = await s.post('{"method": getblockcount');
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.json(), { result: null, error: { code: -32700, message: 'Parse error' }, id: null });
  });

  test('-32600 invalid request: not an object, method not a string, bad params, empty batch', async () => {
    for (const body of ['42', '{"method": 5}', '{"method":"getblockcount","params":"x"}']) {
      const reply = await s.post(body);
      assert.equal(reply.status, 400, body);
      assert.equal((reply.json() as { error: { code: number } }).error.code, -32600);
    }
    assert.equal(((await s.post('[]')).json() as { error: { code: number } }).error.code, -32600);
  });

  test('-32601 method not found answers HTTP 404 in 1.0', async () => {
    const reply = await s.post('{"id":1,"method":"nosuch"}');
    assert.equal(reply.status, 404);
    assert.equal((reply.json() as { error: { code: number } }).error.code, -32601);
  });

  test("Core's -1 with the help text for a wrong number of parameters, -3 for a wrong JSON type or a null required one, -8 for unknown named ones", async () => {
    const arity = (await s.post('{"id":1,"method":"getblockhash","params":[]}')).json() as { error: { code: number; message: string } };
    assert.equal(arity.error.code, -1);
    assert.match(arity.error.message, /^getblockhash "height"\n\n.*\n\nArguments:\n1\. height/);
    assert.equal(arity.error.message, await s.client.call('help', ['getblockhash']));
    const extra = (await s.post('{"id":1,"method":"getblockcount","params":[1]}')).json() as { error: { code: number; message: string } };
    assert.equal(extra.error.code, -1);
    assert.match(extra.error.message, /^getblockcount\n/);
    const nullRequired = (await s.post('{"id":1,"method":"getblock","params":{"verbosity":1}}')).json() as { error: { code: number; message: string } };
    assert.equal(nullRequired.error.code, -3);
    assert.match(nullRequired.error.message, /Position 1 \(blockhash\)/);
    const type = (await s.post('{"id":1,"method":"getblockhash","params":["0"]}')).json() as { error: { code: number; message: string } };
    assert.deepEqual(type.error, { code: -3, message: 'JSON value of type string is not of expected type number' });
    const named = (await s.post('{"id":1,"method":"getblockhash","params":{"hieght":0}}')).json() as { error: { code: number } };
    assert.equal(named.error.code, -8);
  });

  test('named parameters map onto positions', async () => {
    const reply = (await s.post('{"id":1,"method":"getblockhash","params":{"height":0}}')).json() as { result: string };
    assert.equal(reply.result, s.params.genesisHash);
  });

  test('a batch answers each call in order with HTTP 200, errors included; 2.0 notifications get no reply', async () => {
    const body = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'getblockcount' },
      { jsonrpc: '2.0', id: 2, method: 'nosuch' },
      { jsonrpc: '2.0', method: 'getblockcount' },
      { id: 3, method: 'getbestblockhash' },
    ]);
    const reply = await s.post(body);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json(), [
      { jsonrpc: '2.0', result: 0, id: 1 },
      { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 2 },
      { result: s.params.genesisHash, error: null, id: 3 },
    ]);
    const lone = await s.post('{"jsonrpc":"2.0","method":"getblockcount"}');
    assert.equal(lone.status, 204);
  });

  test('GET is refused with 405', async () => {
    const response = await fetch(s.url, { headers: { authorization: `Basic ${Buffer.from('alice:correct horse').toString('base64')}` } });
    assert.equal(response.status, 405);
  });

  test('amounts are written with 8 decimals', async () => {
    await s.client.call('generatetoaddress', [1, 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke']);
    const reply = await s.post('{"id":1,"method":"gettxoutsetinfo"}');
    assert.match(reply.text, /"total_amount":50\.00000000/);
  });

  test('stop answers "powcoin stopping" and then stops the node', async () => {
    assert.equal(await s.client.call('stop'), 'powcoin stopping');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(s.stopped, 1);
  });
});

describe('warmup', () => {
  test('-28 until the node is ready; help and uptime answer already', async () => {
    const s = await openStack({ ready: false });
    try {
      const reply = (await s.post('{"id":1,"method":"getblockcount"}')).json() as { error: { code: number; message: string } };
      assert.deepEqual(reply.error, { code: -28, message: 'Loading block index...' });
      assert.equal(typeof (await s.client.call('uptime')), 'number');
      assert.match(await s.client.call<string>('help'), /== Blockchain ==/);
      s.dispatcher.ready(s.context);
      assert.equal(await s.client.call('getblockcount'), 0);
    } finally {
      await s.close();
    }
  });
});
