/**
 * The one-shot client's HTTP/1.1 response reader: bodies framed by Content-Length, chunked coding
 * and the end of the connection, whatever way the bytes are split across reads; malformed
 * answers are typed errors, never a hang or a crash.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type HttpResponse, HttpResponseError, HttpResponseReader } from '../../src/rpc/http-response-reader.js';

/** Feeds `text` cut at the given offsets; returns the response and how many bytes it took to complete. */
function read(text: string, cuts: number[] = [], ended = false): { response?: HttpResponse; pushed: number } {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new HttpResponseReader();
  const edges = [0, ...cuts, bytes.length];
  for (let i = 1; i < edges.length; i++) {
    const response = reader.push(bytes.subarray(edges[i - 1], edges[i]));
    if (response) return { response, pushed: edges[i] };
  }
  return { response: ended ? reader.end() : undefined, pushed: bytes.length };
}

/** Every way to cut `text` into two reads, and into single bytes. */
function everySplit(text: string): number[][] {
  const length = Buffer.byteLength(text);
  return [...Array.from({ length: length - 1 }, (_, i) => [i + 1]), Array.from({ length: length - 1 }, (_, i) => i + 1)];
}

const BODY = '{"result":{"amount":50.00000000,"name":"é"},"error":null,"id":1}';
const LENGTH = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
const CHUNKED = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1a;ext=1\r\n${BODY.slice(0, 26)}\r\n${Buffer.byteLength(BODY.slice(26)).toString(16)}\r\n${BODY.slice(26)}\r\n0\r\nX-Trailer: 1\r\n\r\n`;

describe('HttpResponseReader', () => {
  test('Content-Length: complete after exactly that many body bytes, however the reads are cut', () => {
    for (const cuts of everySplit(LENGTH)) {
      const { response, pushed } = read(LENGTH, cuts);
      assert.ok(response, `cut at ${cuts.join(',')}`);
      assert.equal(pushed, Buffer.byteLength(LENGTH));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.body.toString('utf8'), BODY);
    }
  });

  test('chunked: chunks joined, extensions and trailers skipped, complete at the last chunk, however the reads are cut', () => {
    for (const cuts of everySplit(CHUNKED)) {
      const { response, pushed } = read(CHUNKED, cuts);
      assert.ok(response, `cut at ${cuts.join(',')}`);
      assert.equal(pushed, Buffer.byteLength(CHUNKED));
      assert.equal(response.body.toString('utf8'), BODY);
    }
  });

  test('without a length: the body runs to the end of the connection', () => {
    const text = `HTTP/1.0 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nout of memory`;
    assert.equal(read(text, [20, 70]).response, undefined, 'not complete before the connection ends');
    const { response } = read(text, [20, 70], true);
    assert.equal(response?.status, 500);
    assert.equal(response?.body.toString(), 'out of memory');
  });

  test('204 and 401 with Content-Length: 0 have empty bodies', () => {
    assert.equal(read('HTTP/1.1 204 No Content\r\n\r\n').response?.body.length, 0);
    const { response } = read('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="jsonrpc"\r\nContent-Length: 0\r\n\r\n');
    assert.equal(response?.status, 401);
    assert.equal(response?.body.length, 0);
  });

  test('malformed or cut-short answers are HttpResponseError with a code', () => {
    const bad = [
      ['SSH-2.0-OpenSSH_9.2\r\n\r\n', false],
      ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', false],
      ['HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello', false],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', false],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', false],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n', false],
      ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', true],
      ['HTTP/1.1 200 OK\r\nContent-Le', true],
      ['', true],
    ] as const;
    for (const [text, ended] of bad) {
      assert.throws(() => read(text, [], ended), (err: unknown) => err instanceof HttpResponseError && err.code === 'bad-http-response', JSON.stringify(text));
    }
    assert.throws(() => read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`), HttpResponseError, 'endless headers stop at a limit');
  });
});
