/**
 * One client connection of the RPC port: requests are read and answered one at a time, in
 * order (pipelined requests wait in the read buffer), keep-alive by default, each answer one
 * write. A request the handler answers synchronously (getblockcount) costs no promise, closure
 * or timer; a slow one (a long-polling getblocktemplate) holds the connection until it answers.
 * Malformed input is answered 400/413/417/431 and the connection closed; nothing a client sends
 * can throw out of here.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../util/logger.js';
import { HttpProtocolError, type ReaderLimits, type RequestHead, RequestReader } from './request-reader.js';
import { CONTINUE, formatResponse } from './response.js';

export interface RequestHandler {
  /** From the head alone: keep the body (an authorized call), or read and drop it. */
  wantsBody(head: RequestHead): boolean;
  /** Answers by calling connection.respond once, now or later. */
  handle(connection: HttpConnection, head: RequestHead, body: Buffer | undefined): void;
}

export interface ConnectionOptions extends ReaderLimits {
  keepAliveMs: number;
}

/** A client writing faster than it reads its answers is paused at this much unsent output. */
const MAX_UNSENT_BYTES = 1024 * 1024;

export class HttpConnection {
  private readonly reader: RequestReader;
  /** The head of the request being read or answered. */
  private head: RequestHead | undefined;
  /** Between a complete request and its answer. */
  private answering = false;
  private closed = false;
  /** stop(): close once the answer in progress (if any) is written. */
  private closeAfterAnswer = false;
  /** The client half-closed: nothing more will arrive. */
  private clientDone = false;
  /** Inside readRequests (a synchronous answer must not re-enter it). */
  private reading = false;

  constructor(
    private readonly socket: Socket,
    private readonly handler: RequestHandler,
    private readonly options: ConnectionOptions,
    private readonly logger: Logger,
    private readonly onClose: (connection: HttpConnection) => void,
  ) {
    this.reader = new RequestReader(options);
    socket.setNoDelay(true);
    socket.setTimeout(options.keepAliveMs);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('drain', () => this.resumeReading());
    socket.on('timeout', () => this.timedOut());
    socket.on('end', () => this.clientEnded());
    socket.on('error', () => this.socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      this.onClose(this);
    });
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Idle: no request half-read or being answered (stop() closes such connections at once). */
  get idle(): boolean {
    return !this.answering && this.reader.idle;
  }

  /** Closes now if idle, else after the answer in progress. */
  closeWhenIdle(): void {
    this.closeAfterAnswer = true;
    if (this.idle) this.socket.destroy();
  }

  /**
   * The answer to the request being handled. `close` ends the connection after it (stop, 413).
   * Ignored if the client has gone.
   */
  respond(status: number, contentType: string | undefined, body: string, close = false, extraHeaders = ''): void {
    const head = this.head;
    if (this.closed || !this.answering || head === undefined) return;
    this.answering = false;
    this.head = undefined;
    const keepAlive = head.keepAlive && !close && !this.closeAfterAnswer;
    this.socket.write(
      formatResponse({ status, contentType, body, extraHeaders, keepAlive, keepAliveSeconds: Math.round(this.options.keepAliveMs / 1000), headOnly: head.method === 'HEAD' }),
    );
    if (!keepAlive) {
      this.finish();
      return;
    }
    // Answered inside readRequests' loop, which goes on by itself; or later, when requests
    // that arrived meanwhile wait in the reader.
    if (this.reading) return;
    if (this.reader.buffered > 0 || this.clientDone) this.readRequests();
    else this.resumeReading();
  }

  private received(chunk: Buffer): void {
    if (this.closed) return;
    this.reader.push(chunk);
    if (this.answering) {
      // Pipelined while an answer is pending: stop reading once a whole request's worth waits.
      if (this.reader.buffered > this.options.bodyLimit + this.options.maxHeaderBytes) this.socket.pause();
      return;
    }
    this.readRequests();
  }

  /** Handles every complete request in the buffer, in order, until one is answered later. */
  private readRequests(): void {
    this.reading = true;
    // Corked only from a second request on: pipelined answers go out in one write, and the
    // usual single request skips the cork's buffering.
    let handled = 0;
    try {
      while (!this.answering && !this.closed) {
        const step = this.reader.step();
        if (step.kind === 'more') break;
        if (step.kind === 'head') {
          this.head = step.head;
          this.startBody(step.head);
          continue;
        }
        if (++handled === 2) this.socket.cork();
        this.answering = true;
        this.handler.handle(this, this.head!, step.body);
      }
    } catch (err) {
      this.protocolError(err);
    } finally {
      this.reading = false;
      if (handled >= 2) this.socket.uncork();
    }
    if (this.closed) return;
    if (this.clientDone && !this.answering) {
      this.finish();
      return;
    }
    if (this.socket.writableLength > MAX_UNSENT_BYTES || (this.answering && this.reader.buffered > this.options.bodyLimit + this.options.maxHeaderBytes)) this.socket.pause();
    else this.resumeReading();
  }

  private startBody(head: RequestHead): void {
    // With nothing of the body here yet, tell a client that waits for it to go on (as node:http).
    if (head.expectContinue && this.reader.buffered === 0) this.socket.write(CONTINUE);
    if (this.handler.wantsBody(head)) this.reader.keepBody();
    else this.reader.dropBody();
  }

  private protocolError(err: unknown): void {
    if (!(err instanceof HttpProtocolError)) {
      // A bug, not the client's doing: logged, and only this connection pays for it.
      this.logger.error({ err }, 'rpc connection failed unexpectedly');
      this.socket.destroy();
      return;
    }
    this.answering = true;
    this.head = { method: 'POST', url: '/', authorization: undefined, keepAlive: false, expectContinue: false };
    const body = err.status === 413 ? 'Request body is too large' : '';
    this.respond(err.status, 'text/plain', body, true);
  }

  private resumeReading(): void {
    if (!this.closed && this.socket.isPaused() && this.socket.writableLength <= MAX_UNSENT_BYTES) this.socket.resume();
  }

  /** The client sent all it will (half-close, as `nc` does): what it sent is still answered, then the connection ends. */
  private clientEnded(): void {
    this.clientDone = true;
    if (!this.closed && !this.answering) this.readRequests();
  }

  private timedOut(): void {
    // A long-polling call may legitimately take longer than the idle timeout.
    if (!this.answering) this.socket.destroy();
  }

  /** Ends the connection once the last answer is written; whatever the client still sends is dropped. */
  private finish(): void {
    this.closed = true;
    this.socket.end();
    // Drained and dropped; a client that never closes its side meets the idle timeout.
    this.socket.resume();
  }
}
