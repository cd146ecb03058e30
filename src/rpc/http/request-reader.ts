/**
 * An incremental HTTP/1.1 request reader for the RPC port: request line and headers, then a
 * Content-Length or chunked body, kept or dropped as the server decides from the head. Strict
 * where leniency lets two parsers disagree about where a request ends (request smuggling): both
 * Content-Length and Transfer-Encoding, differing lengths, bare CR or LF, obsolete line folding,
 * a space before the colon are all 400. Everything a client controls has a limit.
 */

export interface RequestHead {
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  authorization: string | undefined;
  /** HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`. */
  keepAlive: boolean;
  expectContinue: boolean;
}

/** Answered with its status and the connection closed. */
export class HttpProtocolError extends Error {
  constructor(
    readonly status: 400 | 413 | 417 | 431,
    readonly code: 'HTTP_BAD_REQUEST' | 'HTTP_BODY_TOO_LARGE' | 'HTTP_EXPECTATION_FAILED' | 'HTTP_HEADERS_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

export interface ReaderLimits {
  /** Request line, headers and chunked trailers together (node:http's default is 16 KiB). */
  maxHeaderBytes: number;
  bodyLimit: number;
}

/** What step() found: nothing complete yet, a head (call keepBody or dropBody next), or the body. */
export type ReadStep = { kind: 'more' } | { kind: 'head'; head: RequestHead } | { kind: 'body'; body: Buffer | undefined };

const MORE: ReadStep = { kind: 'more' };
const CRLF2 = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** A chunk-size line: hex digits and optional extensions; more than this is an attack. */
const MAX_CHUNK_LINE = 1024;
/** Controls other than tab, and CR or LF not paired as CRLF. */
const BAD_HEAD_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_TARGET = /^[\x21-\x7e]+$/;

type Phase = 'head' | 'decide' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers';

export class RequestReader {
  private pending: Buffer = EMPTY;
  private phase: Phase = 'head';
  /** How far the current search for a terminator got, so a slow sender is not rescanned. */
  private scanned = 0;
  private contentLength = 0;
  private chunked = false;
  private remaining = 0;
  private keep = false;
  private bodyParts: Buffer[] = [];
  private bodySize = 0;
  private trailerBytes = 0;

  constructor(private readonly limits: ReaderLimits) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Between requests with nothing half-read: an idle connection. */
  get idle(): boolean {
    return this.phase === 'head' && this.pending.length === 0;
  }

  /** After a head: the body is collected (up to the limit) and returned. */
  keepBody(): void {
    this.startBody(true);
  }

  /** After a head: the body is read and thrown away (a refused or body-less request). */
  dropBody(): void {
    this.startBody(false);
  }

  /** Throws HttpProtocolError on a malformed or oversized request. */
  step(): ReadStep {
    switch (this.phase) {
      case 'head':
        return this.readHead();
      case 'decide':
        throw new Error('keepBody or dropBody must follow a head');
      case 'length':
        return this.readLength();
      default:
        return this.readChunked();
    }
  }

  private readHead(): ReadStep {
    // Stray CRLFs between requests are tolerated (RFC 9112 2.2).
    let start = 0;
    while (start + 1 < this.pending.length && this.pending[start] === 13 && this.pending[start + 1] === 10) start += 2;
    if (start > 0) {
      this.pending = this.pending.subarray(start);
      this.scanned = 0;
    }
    const end = this.pending.indexOf(CRLF2, Math.max(0, this.scanned - 3));
    if (end < 0) {
      this.scanned = this.pending.length;
      if (this.pending.length > this.limits.maxHeaderBytes) throw tooLargeHead();
      return MORE;
    }
    if (end + 4 > this.limits.maxHeaderBytes) throw tooLargeHead();
    const text = this.pending.toString('latin1', 0, end);
    this.pending = this.pending.subarray(end + 4);
    this.scanned = 0;
    const head = this.parseHead(text);
    this.phase = 'decide';
    return { kind: 'head', head };
  }

  private parseHead(text: string): RequestHead {
    if (BAD_HEAD_TEXT.test(text)) throw badRequest('control character or bare CR/LF in the head');
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = text.length;
    const [method, url, version, extra] = text.slice(0, lineEnd).split(' ');
    if (extra !== undefined || !method || !TOKEN.test(method) || !url || !REQUEST_TARGET.test(url)) throw badRequest('malformed request line');
    if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw badRequest('unsupported HTTP version');
    let contentLength: string | undefined;
    let transferEncoding: string | undefined;
    let connection = '';
    let authorization: string | undefined;
    let expect: string | undefined;
    let host = false;
    while (lineEnd < text.length) {
      const from = lineEnd + 2;
      lineEnd = text.indexOf('\r\n', from);
      if (lineEnd < 0) lineEnd = text.length;
      const colon = text.indexOf(':', from);
      if (colon < 0 || colon >= lineEnd) throw badRequest('header line without a colon');
      const name = text.slice(from, colon);
      if (!TOKEN.test(name)) throw badRequest('malformed header name');
      const value = text.slice(colon + 1, lineEnd).trim();
      switch (name.toLowerCase()) {
        case 'content-length':
          if (!/^[0-9]{1,15}$/.test(value) || (contentLength !== undefined && contentLength !== value)) throw badRequest('invalid Content-Length');
          contentLength = value;
          break;
        case 'transfer-encoding':
          if (transferEncoding !== undefined) throw badRequest('repeated Transfer-Encoding');
          transferEncoding = value.toLowerCase();
          break;
        case 'connection':
          connection += `,${value.toLowerCase()}`;
          break;
        case 'authorization':
          authorization ??= value;
          break;
        case 'expect':
          expect = value.toLowerCase();
          break;
        case 'host':
          host = true;
          break;
      }
    }
    if (version === 'HTTP/1.1' && !host) throw badRequest('HTTP/1.1 request without Host');
    if (transferEncoding !== undefined) {
      if (contentLength !== undefined) throw badRequest('both Content-Length and Transfer-Encoding');
      if (transferEncoding !== 'chunked') throw badRequest('unsupported Transfer-Encoding');
    }
    if (expect !== undefined && expect !== '100-continue') throw new HttpProtocolError(417, 'HTTP_EXPECTATION_FAILED', `unsupported Expect: ${expect}`);
    this.chunked = transferEncoding !== undefined;
    this.contentLength = contentLength === undefined ? 0 : Number(contentLength);
    if (this.contentLength > this.limits.bodyLimit) throw tooLargeBody();
    const tokens = connection.split(',').map((token) => token.trim());
    const keepAlive = version === 'HTTP/1.1' ? !tokens.includes('close') : tokens.includes('keep-alive') && !tokens.includes('close');
    return { method, url, authorization, keepAlive, expectContinue: expect !== undefined };
  }

  private startBody(keep: boolean): void {
    if (this.phase !== 'decide') throw new Error('no head to read a body for');
    this.keep = keep;
    this.bodyParts = [];
    this.bodySize = 0;
    if (this.chunked) {
      this.phase = 'chunk-size';
      this.trailerBytes = 0;
    } else {
      this.phase = 'length';
      this.remaining = this.contentLength;
    }
  }

  private readLength(): ReadStep {
    const take = Math.min(this.remaining, this.pending.length);
    if (take > 0) {
      this.collect(this.pending.subarray(0, take));
      this.pending = this.pending.subarray(take);
      this.remaining -= take;
    }
    return this.remaining === 0 ? this.finishBody() : MORE;
  }

  private readChunked(): ReadStep {
    for (;;) {
      switch (this.phase) {
        case 'chunk-size': {
          const line = this.takeLine(MAX_CHUNK_LINE, 'chunk size line too long');
          if (line === undefined) return MORE;
          const size = line.split(';')[0].trim();
          if (!/^[0-9a-fA-F]{1,8}$/.test(size)) throw badRequest('invalid chunk size');
          this.remaining = Number.parseInt(size, 16);
          if (this.bodySize + this.remaining > this.limits.bodyLimit) throw tooLargeBody();
          this.phase = this.remaining === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'chunk-data': {
          const take = Math.min(this.remaining, this.pending.length);
          if (take === 0) return MORE;
          this.collect(this.pending.subarray(0, take));
          this.pending = this.pending.subarray(take);
          this.remaining -= take;
          if (this.remaining === 0) this.phase = 'chunk-end';
          break;
        }
        case 'chunk-end': {
          if (this.pending.length < 2) return MORE;
          if (this.pending[0] !== 13 || this.pending[1] !== 10) throw badRequest('chunk data not followed by CRLF');
          this.pending = this.pending.subarray(2);
          this.phase = 'chunk-size';
          break;
        }
        default: {
          // Trailers, ignored, then the empty line that ends the message.
          const line = this.takeLine(this.limits.maxHeaderBytes - this.trailerBytes, 'trailers too large');
          if (line === undefined) return MORE;
          this.trailerBytes += line.length + 2;
          if (line.length === 0) return this.finishBody();
          if (BAD_HEAD_TEXT.test(line) || line.indexOf(':') <= 0) throw badRequest('malformed trailer');
        }
      }
    }
  }

  /** One CRLF-terminated line, or undefined until it has arrived. */
  private takeLine(max: number, tooLong: string): string | undefined {
    const end = this.pending.indexOf('\r\n', Math.max(0, this.scanned - 1), 'latin1');
    if (end < 0) {
      this.scanned = this.pending.length;
      if (this.pending.length > max) throw this.phase === 'trailers' ? tooLargeHead() : badRequest(tooLong);
      return undefined;
    }
    if (end > max) throw this.phase === 'trailers' ? tooLargeHead() : badRequest(tooLong);
    const line = this.pending.toString('latin1', 0, end);
    this.pending = this.pending.subarray(end + 2);
    this.scanned = 0;
    return line;
  }

  private collect(part: Buffer): void {
    this.bodySize += part.length;
    if (this.keep) this.bodyParts.push(part);
  }

  private finishBody(): ReadStep {
    this.phase = 'head';
    if (this.pending.length === 0) this.pending = EMPTY;
    if (!this.keep) return { kind: 'body', body: undefined };
    const parts = this.bodyParts;
    this.bodyParts = [];
    return { kind: 'body', body: parts.length === 1 ? parts[0] : Buffer.concat(parts, this.bodySize) };
  }
}

function badRequest(message: string): HttpProtocolError {
  return new HttpProtocolError(400, 'HTTP_BAD_REQUEST', message);
}

function tooLargeHead(): HttpProtocolError {
  return new HttpProtocolError(431, 'HTTP_HEADERS_TOO_LARGE', 'request head too large');
}

function tooLargeBody(): HttpProtocolError {
  return new HttpProtocolError(413, 'HTTP_BODY_TOO_LARGE', 'Request body is too large');
}
