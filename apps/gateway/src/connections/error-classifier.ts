import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorKind, Protocol } from '@omni2/contracts';
import { storableText } from '../common/text-safety';
import { scrubSecrets } from './secret-scrub';

export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
  /** HTTP status from the upstream, when the failure carried one. */
  httpStatus: number | null;
}

/** Raised by omni2 itself when an upstream did not answer in time. */
export class UpstreamTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} timed out after ${timeoutMs} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

/** An upstream answered with an HTTP error status (a 404 on a session means it expired). */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** A reply that is not valid Streamable HTTP (wrong content type, bad JSON, no response). */
export class HttpProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

/** Raised when a stdio server's process is gone. */
export class ProcessExitedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ProcessExitedError';
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'EPIPE',
]);

function networkCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function kindForHttpStatus(status: number): ErrorKind {
  return status === 401 || status === 403 ? 'auth' : 'protocol';
}

function httpStatusOf(error: unknown): number | null {
  if (error instanceof HttpStatusError) return error.status;
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    if (typeof error.code === 'number' && error.code >= 100) return error.code;
  }
  // SSE POST failures are plain Errors that carry the status only in their text.
  if (error instanceof Error) {
    const match = /\(HTTP (\d{3})\)/.exec(error.message);
    if (match) return Number(match[1]);
  }
  return null;
}

/**
 * Tells the operator which layer failed (SPEC §2): the network, the clock, the credentials, the
 * MCP exchange itself, or the stdio process.
 */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, bad port, ...) is in the cause.
  const cause = error.cause instanceof Error ? error.cause.message : null;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}

/**
 * Which layer failed, and the failure as text fit to store and publish: `secrets` (the server's
 * own, from secretsOf) and anything that reads as a credential are cut out, NUL and lone
 * surrogates replaced, the length bounded.
 */
export function classifyError(
  error: unknown,
  protocol: Protocol,
  secrets: readonly string[] = [],
): ClassifiedError {
  // Upstream text can hold anything (a NUL from a process's stderr): made storable here, once,
  // for every place that keeps or publishes it.
  const message = storableText(scrubSecrets(describe(error), secrets), 2_000);
  if (error instanceof UpstreamTimeoutError) return { kind: 'timeout', message, httpStatus: null };
  if (error instanceof ProcessExitedError)
    return { kind: 'process_exit', message, httpStatus: null };
  if (error instanceof UnauthorizedError) return { kind: 'auth', message, httpStatus: 401 };
  const status = httpStatusOf(error);
  if (status !== null) {
    // The SDK's text omits the status, which is what an operator looks for first.
    const text = message.includes(`HTTP ${status}`) ? message : `HTTP ${status}: ${message}`;
    return { kind: kindForHttpStatus(status), message: text, httpStatus: status };
  }
  if (error instanceof McpError) {
    if (error.code === (ErrorCode.RequestTimeout as number)) {
      return { kind: 'timeout', message, httpStatus: null };
    }
    if (error.code === (ErrorCode.ConnectionClosed as number)) {
      return {
        kind: protocol === 'stdio' ? 'process_exit' : 'unreachable',
        message,
        httpStatus: null,
      };
    }
    return { kind: 'protocol', message, httpStatus: null };
  }
  const code = networkCode(error);
  if (code === 'ENOENT' || code === 'EACCES') {
    // A stdio command that cannot be started.
    return {
      kind: protocol === 'stdio' ? 'process_exit' : 'unreachable',
      message,
      httpStatus: null,
    };
  }
  if (code !== null && UNREACHABLE_CODES.has(code)) {
    const withCode = message.includes(code) ? message : `${message} (${code})`;
    return { kind: 'unreachable', message: withCode, httpStatus: null };
  }
  if (
    message.startsWith('fetch failed') ||
    /ECONNREFUSED|socket hang up|other side closed/i.test(message)
  ) {
    return { kind: 'unreachable', message, httpStatus: null };
  }
  if (/not connected|connection closed/i.test(message)) {
    return {
      kind: protocol === 'stdio' ? 'process_exit' : 'unreachable',
      message,
      httpStatus: null,
    };
  }
  return { kind: 'protocol', message, httpStatus: null };
}

/** A Streamable HTTP 404 means the server forgot our session: reconnect, do not count a failure. */
export function isSessionExpired(error: unknown): boolean {
  return httpStatusOf(error) === 404;
}

export function isMethodNotFound(error: unknown): boolean {
  return error instanceof McpError && error.code === (ErrorCode.MethodNotFound as number);
}
