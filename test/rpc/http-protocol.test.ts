/**
 * The RPC port's own HTTP/1.1 (src/rpc/http/): raw bytes on a socket, as clients other than
 * node's send them: pipelined requests answered in order, chunked bodies, 100-continue,
 * Connection: close and HTTP/1.0, the head size limit, the ambiguous and malformed requests a
 * strict reader refuses, and random bytes that must never crash the server nor stop it serving.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import { basicAuthHeader } from '../../src/rpc/auth.js';
import { RpcServer } from '../../src/rpc/server.js';
import type { Logger } from '../../src/util/logger.js';
import { CREDENTIALS, type Stack, openStack } from './stack.js';

const AUTH = basicAuthHeader(CREDENTIALS);
const CALL = '{"id":1,"method":"getblockcount"}';

interface Exchange {
  /** Everything the server sent until it closed the connection. */
  text: string;
  statuses: number[];
}

/** Writes the pieces (each its own write), half-closes, and collects the answer until the server closes. */
function exchange(port: number, pieces: Array<string | Buffer>, halfClose = true): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, statuses: [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1])) }));
    socket.on('connect', () => {
      for (const piece of pieces) socket.write(piece);
      if (halfClose) socket.end();
    });
  });
}

function post(body: string, extra = '', version = '1.1'): string {
  return `POST / HTTP/${version}\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

/** Errors the server logged: an unexpected exception is caught per connection and logged, never silent. */
function recordingLogger(errors: string[]): Logger {
  return {
    debug() {},
    info() {},
    warn() {},
    error(fields: object, message?: string) {
      errors.push(`${message}: ${String((fields as { err?: unknown }).err)}`);
    },
  };
}

/** The bodies of the answers, in order (each JSON reply ends in a newline). */
function bodies(text: string): string[] {
  return [...text.matchAll(/\r\n\r\n(\{[^\n]*\}|\[[^\n]*\])\n/g)].map((m) => m[1]);
}

describe('the RPC port speaks HTTP/1.1 strictly', () => {
  let s: Stack;
  let server: RpcServer;
  let port: number;
  const errors: string[] = [];
  before(async () => {
    s = await openStack();
    server = new RpcServer({ host: '127.0.0.1', port: 0, credentials: CREDENTIALS, authFailureDelayMs: 0, bodyLimit: 4096 }, { dispatcher: s.dispatcher, logger: recordingLogger(errors) });
    port = (await server.start()).port;
  });
  after(async () => {
    await server.stop();
    await s.close();
  });
  afterEach(() => assert.deepEqual(errors.splice(0), [], 'no unexpected exception'));

  test('pipelined requests in one write are answered in order, an asynchronous call (getblock) first', async () => {
    const getblock = JSON.stringify({ id: 'a', method: 'getblock', params: [s.params.genesisHash, 0] });
    // No half-close: the connection stays open, so only the server's own loop can answer b and c.
    const answer = await exchange(port, [post(getblock) + post('{"id":"b","method":"getblockcount"}') + post('{"id":"c","method":"getbestblockhash"}', 'Connection: close\r\n')], false);
    assert.deepEqual(answer.statuses, [200, 200, 200]);
    assert.deepEqual(
      bodies(answer.text).map((body) => (JSON.parse(body) as { id: string }).id),
      ['a', 'b', 'c'],
    );
  });

  test('a request split across many writes, byte by byte, is answered', async () => {
    const bytes = Buffer.from(post(CALL));
    const answer = await exchange(port, [...bytes].map((byte) => Buffer.from([byte])));
    assert.deepEqual(answer.statuses, [200]);
    assert.deepEqual(JSON.parse(bodies(answer.text)[0]), { result: 0, error: null, id: 1 });
  });

  test('a chunked body with extensions and trailers is read whole', async () => {
    const head = `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const answer = await exchange(port, [head, '5;ext=1\r\n{"id"\r\n', `${(CALL.length - 5).toString(16)}\r\n${CALL.slice(5)}\r\n`, '0\r\nX-Trailer: 1\r\n\r\n']);
    assert.deepEqual(answer.statuses, [200]);
    assert.deepEqual(JSON.parse(bodies(answer.text)[0]), { result: 0, error: null, id: 1 });
  });

  test('Expect: 100-continue gets 100 Continue before the body is sent, then the answer', async () => {
    const statuses = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let text = '';
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text === 'HTTP/1.1 100 Continue\r\n\r\n') socket.end(CALL);
      });
      socket.on('close', () => resolve(text));
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: ${CALL.length}\r\nExpect: 100-continue\r\n\r\n`);
    });
    assert.match(statuses, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  test('Connection: close and HTTP/1.0 without keep-alive close after the answer; pipelined requests after it are not answered', async () => {
    for (const request of [post(CALL, 'Connection: close\r\n'), post(CALL, '', '1.0')]) {
      const answer = await exchange(port, [request + post(CALL)], false);
      assert.deepEqual(answer.statuses, [200]);
      assert.match(answer.text, /\r\nConnection: close\r\n/);
    }
    const kept = await exchange(port, [post(CALL, 'Connection: keep-alive\r\n', '1.0') + post(CALL, 'Connection: close\r\n')], false);
    assert.deepEqual(kept.statuses, [200, 200]);
    assert.match(kept.text, /\r\nConnection: keep-alive\r\nKeep-Alive: timeout=72\r\n/);
  });

  test('ambiguous or malformed requests get 400 (or 413, 417, 431) and a closed connection, with nothing after them answered', async () => {
    const cases: Array<[string, number]> = [
      [`GARBAGE\r\n\r\n`, 400],
      [`POST / HTTP/2.0\r\nHost: x\r\n\r\n`, 400],
      [`POST  / HTTP/1.1\r\nHost: x\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nAuthorization: ${AUTH}\r\nContent-Length: 2\r\n\r\n{}`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost : x\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n`, 400],
      [`POST / HTTP/1.1\nHost: x\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n`, 400],
      [`POST / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n`, 417],
      [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4097\r\n\r\n`, 413],
      [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n${' '.repeat(4096)}\r\n1\r\n `, 413],
      [`POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431],
    ];
    for (const [request, status] of cases) {
      const answer = await exchange(port, [request + post(CALL)], false);
      assert.deepEqual(answer.statuses, [status], JSON.stringify(request.slice(0, 80)));
      assert.match(answer.text, /\r\nConnection: close\r\n/);
    }
  });

  test('a head that never ends is refused at 16 KiB without waiting for its end', async () => {
    const answer = await exchange(port, [`POST / HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20 * 1024)}`], false);
    assert.deepEqual(answer.statuses, [431]);
  });

  test('random bytes and mutated requests never crash the server; it answers a valid call after each run', async () => {
    const valid = Buffer.from(post(CALL) + post('[{"id":2,"method":"getblockcount"}]'));
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat({ max: valid.length }))
      .map(([edits, cut]) => {
        const bytes = Buffer.from(valid);
        for (const [at, byte] of edits) bytes[at] = byte;
        return bytes.subarray(0, cut);
      });
    const arbitrary = fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes));
    const pieces = (choices: string[]): fc.Arbitrary<string> => fc.array(fc.constantFrom(...choices), { maxLength: 30 }).map((parts) => parts.join(''));
    const headers = pieces(['Host: x', `Authorization: ${AUTH}`, 'Content-Length: 5', 'Content-Length: 05', 'Transfer-Encoding: chunked', 'Connection: close', 'Expect: 100-continue', ' ', '\t', ':', '\r\n', '\r', '\n', '\r\n\r\n', '{}']).map(
      (text) => Buffer.from(`POST / HTTP/1.1\r\n${text}`),
    );
    const chunks = pieces(['0', '1', '5', 'f', 'ffffffff', '100000000', ';x', '\r\n', '\r', '\n', ':', CALL, ' ', 'X: y\r\n']).map(
      (text) => Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nTransfer-Encoding: chunked\r\n\r\n${text}`),
    );
    const allowed = new Set([100, 200, 204, 400, 401, 404, 405, 413, 417, 431, 500]);
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, arbitrary, headers, chunks), fc.nat({ max: 5 }), async (bytes, split) => {
        const pieces = split === 0 ? [bytes] : [bytes.subarray(0, split * 7), bytes.subarray(split * 7)];
        errors.length = 0;
        const answer = await exchange(port, pieces);
        assert.ok(answer.text === '' || answer.text.startsWith('HTTP/1.1 '), answer.text.slice(0, 60));
        for (const status of answer.statuses) assert.ok(allowed.has(status), `status ${status}`);
        assert.deepEqual(errors, [], 'no unexpected exception');
      }),
      { seed: 15, numRuns: 400 },
    );
    const after = await exchange(port, [post(CALL)]);
    assert.deepEqual(JSON.parse(bodies(after.text)[0]), { result: 0, error: null, id: 1 });
  });
});
