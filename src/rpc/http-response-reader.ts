/**
 * Reads one HTTP/1.1 response from a connection's bytes as they arrive: status line, headers, and
 * a body framed by Content-Length, by chunked transfer coding, or by the end of the connection.
 * As much HTTP as the one-shot JSON-RPC client needs (it sends no Expect and asks for no upgrade).
 */
export class HttpResponseError extends Error {
  override readonly name = 'HttpResponseError';
  readonly code = 'bad-http-response';
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Map<string, string>;
  body: Buffer;
}

/** Headers larger than this are not a JSON-RPC server's answer. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked'; remaining: number; state: 'size' | 'data' | 'data-end' | 'trailer' } | { kind: 'eof' };

export class HttpResponseReader {
  /** Bytes not consumed yet: the head until it is complete, then an unfinished chunk-size or trailer line. */
  private pending: Buffer = Buffer.alloc(0);
  private head?: { status: number; headers: Map<string, string>; framing: Framing };
  private readonly body: Buffer[] = [];
  private done = false;

  /** Adds bytes from the connection; returns the response as soon as it is complete. */
  push(chunk: Buffer): HttpResponse | undefined {
    if (this.done) return undefined;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (!this.head) {
      const end = this.pending.indexOf(HEAD_END);
      if (end < 0) {
        if (this.pending.length > MAX_HEAD_BYTES) throw new HttpResponseError(`response headers exceed ${MAX_HEAD_BYTES} bytes`);
        return undefined;
      }
      this.head = parseHead(this.pending.subarray(0, end).toString('latin1'));
      this.pending = this.pending.subarray(end + HEAD_END.length);
    }
    return this.consume() ? this.finish() : undefined;
  }

  /** The connection ended: the response when that completes it, else why not. */
  end(): HttpResponse {
    if (!this.head) throw new HttpResponseError(this.pending.length === 0 ? 'the connection closed without a response' : 'the connection closed inside the response headers');
    if (this.head.framing.kind !== 'eof') throw new HttpResponseError('the connection closed before the end of the response body');
    this.body.push(this.pending);
    return this.finish();
  }

  private finish(): HttpResponse {
    this.done = true;
    return { status: this.head!.status, headers: this.head!.headers, body: Buffer.concat(this.body) };
  }

  /** Moves body bytes out of `pending`; true once the body is complete. */
  private consume(): boolean {
    const framing = this.head!.framing;
    if (framing.kind === 'eof') return false;
    if (framing.kind === 'length') {
      const take = this.pending.subarray(0, framing.remaining);
      this.body.push(take);
      framing.remaining -= take.length;
      this.pending = Buffer.alloc(0);
      return framing.remaining === 0;
    }
    return this.consumeChunked(framing);
  }

  private consumeChunked(framing: Extract<Framing, { kind: 'chunked' }>): boolean {
    for (;;) {
      if (framing.state === 'data') {
        const take = this.pending.subarray(0, framing.remaining);
        this.body.push(take);
        framing.remaining -= take.length;
        this.pending = this.pending.subarray(take.length);
        if (framing.remaining > 0) return false;
        framing.state = 'data-end';
        continue;
      }
      const eol = this.pending.indexOf(CRLF);
      if (eol < 0) {
        if (this.pending.length > MAX_HEAD_BYTES) throw new HttpResponseError('a chunk-size or trailer line is too long');
        return false;
      }
      const line = this.pending.subarray(0, eol).toString('latin1');
      this.pending = this.pending.subarray(eol + CRLF.length);
      if (framing.state === 'data-end') {
        if (line !== '') throw new HttpResponseError('chunk data is not followed by CRLF');
        framing.state = 'size';
      } else if (framing.state === 'size') {
        framing.remaining = chunkSize(line);
        framing.state = framing.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        return true;
      }
    }
  }
}

function chunkSize(line: string): number {
  const match = /^([0-9a-fA-F]{1,8})[ \t]*(;.*)?$/.exec(line);
  if (!match) throw new HttpResponseError(`bad chunk-size line '${line.slice(0, 40)}'`);
  return Number.parseInt(match[1], 16);
}

function parseHead(text: string): { status: number; headers: Map<string, string>; framing: Framing } {
  const [statusLine, ...lines] = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match) throw new HttpResponseError(`not an HTTP/1.x status line: '${statusLine.slice(0, 40)}'`);
  const status = Number(match[1]);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpResponseError(`bad header line '${line.slice(0, 40)}'`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { status, headers, framing: framingOf(status, headers) };
}

/** RFC 9112 §6.3, for a response to a POST: no body for 1xx/204/304, else chunked, Content-Length, or up to the close. */
function framingOf(status: number, headers: Map<string, string>): Framing {
  if (status < 200 || status === 204 || status === 304) return { kind: 'length', remaining: 0 };
  const coding = headers.get('transfer-encoding');
  if (coding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(coding)) return { kind: 'eof' };
    return { kind: 'chunked', remaining: 0, state: 'size' };
  }
  const length = headers.get('content-length');
  if (length === undefined) return { kind: 'eof' };
  const values = new Set(length.split(',').map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only)) throw new HttpResponseError(`bad Content-Length '${length.slice(0, 40)}'`);
  return { kind: 'length', remaining: Number(only) };
}
