/**
 * A response as one string: status line, headers and body, so the socket gets one write (one
 * syscall) per answer. The fixed part of a status line and the Date header are made once (the
 * date once a second), not per request.
 */

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const statusLines = new Map<number, string>();

function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

let dateSecond = -1;
let dateHeader = '';

/** `Date: <IMF-fixdate>\r\n`, as node:http and Core send, remade when the second changes. */
function dateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateHeader = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateHeader;
}

export interface ResponseParts {
  status: number;
  /** Omitted with an empty body (a 401, a 204). */
  contentType: string | undefined;
  body: string;
  /** Extra header lines, each ending in CRLF (e.g. WWW-Authenticate). */
  extraHeaders: string;
  keepAlive: boolean;
  keepAliveSeconds: number;
  /** A HEAD request: headers only, Content-Length still that of the body. */
  headOnly: boolean;
}

export function formatResponse(parts: ResponseParts): string {
  const type = parts.contentType === undefined ? '' : `Content-Type: ${parts.contentType}\r\n`;
  const connection = parts.keepAlive ? `Connection: keep-alive\r\nKeep-Alive: timeout=${parts.keepAliveSeconds}\r\n` : 'Connection: close\r\n';
  // 204 carries no Content-Length (RFC 9110 8.6).
  const length = parts.status === 204 ? '' : `Content-Length: ${Buffer.byteLength(parts.body)}\r\n`;
  return `${statusLine(parts.status)}${type}${dateLine()}${connection}${parts.extraHeaders}${length}\r\n${parts.headOnly ? '' : parts.body}`;
}

export const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
