import { OAuthError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import type { ErrorKind, Protocol } from '@omni2/contracts';
import { storableText } from '../common/text-safety';
import { scrubSecrets } from './secret-scrub';
import { fromSdkError } from './sdk-errors';
import {
  ConnectionClosedError,
  HttpProtocolError,
  HttpStatusError,
  ProcessExitedError,
  AuthorizationRequiredError,
  ScopeRequiredError,
  TokensRefusedError,
  UpstreamRpcError,
  UpstreamTimeoutError,
} from './upstream-errors';

export {
  CallCancelledError,
  ConnectionClosedError,
  HttpProtocolError,
  HttpStatusError,
  ProcessExitedError,
  ScopeRequiredError,
  UpstreamRpcError,
  UpstreamTimeoutError,
} from './upstream-errors';

/**
 * The JSON-RPC error numbers omni2 acts on, as the SDK names them; plain numbers, because they
 * are compared with numbers read off the wire.
 */
export const RpcErrorCode: Readonly<
  Record<'MethodNotFound' | 'InvalidParams' | 'UnsupportedProtocolVersion', number>
> = {
  MethodNotFound: ProtocolErrorCode.MethodNotFound,
  InvalidParams: ProtocolErrorCode.InvalidParams,
  UnsupportedProtocolVersion: ProtocolErrorCode.UnsupportedProtocolVersion,
};

export interface ClassifiedError {
  kind: ErrorKind;
  message: string;
  /** HTTP status from the upstream, when the failure carried one. */
  httpStatus: number | null;
  /** No token can be had without an operator (SPEC §11): not the upstream failing. */
  needsAuthorization?: true;
  /** The server answered `403 insufficient_scope`: alive, it refused this token for this. */
  scopeRefusal?: true;
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

/** "requested 2025-11-25; the server supports 2026-07-28", from a -32022 error's data. */
function versionDetail(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const { supported, requested } = data as { supported?: unknown; requested?: unknown };
  const list = Array.isArray(supported) ? supported.filter((v) => typeof v === 'string') : [];
  const asked = typeof requested === 'string' ? `requested ${requested}; ` : '';
  return list.length > 0 ? ` (${asked}the server supports ${list.join(', ')})` : '';
}

/**
 * Which layer failed, and the failure as text fit to store and publish: `secrets` (the server's
 * own, from secretsOf) and anything that reads as a credential are cut out, NUL and lone
 * surrogates replaced, the length bounded.
 */
export function classifyError(
  raw: unknown,
  protocol: Protocol,
  secrets: readonly string[] = [],
): ClassifiedError {
  const error = fromSdkError(raw);
  const text = (detail: string) => storableText(scrubSecrets(detail, secrets), 2_000);
  // Upstream text can hold anything (a NUL from a process's stderr): made storable here, once,
  // for every place that keeps or publishes it.
  const message = text(describe(error));
  const lost = protocol === 'stdio' ? 'process_exit' : 'unreachable';
  if (error instanceof UpstreamTimeoutError) return { kind: 'timeout', message, httpStatus: null };
  if (error instanceof AuthorizationRequiredError) {
    return { kind: 'auth', message, httpStatus: null, needsAuthorization: true };
  }
  if (error instanceof TokensRefusedError) return { kind: 'auth', message, httpStatus: null };
  if (error instanceof ScopeRequiredError) {
    return { kind: 'auth', message, httpStatus: 403, scopeRefusal: true };
  }
  // The authorization server refused omni2's client or grant (invalid_client, ...).
  if (error instanceof OAuthError) {
    return {
      kind: 'auth',
      message: text(`authorization server: ${describe(error)}`),
      httpStatus: null,
    };
  }
  if (error instanceof ProcessExitedError) {
    return { kind: 'process_exit', message, httpStatus: null };
  }
  if (error instanceof ConnectionClosedError) return { kind: lost, message, httpStatus: null };
  if (error instanceof HttpStatusError) {
    const status = error.status;
    // The SDK's text omits the status, which is what an operator looks for first.
    const withStatus = message.includes(`HTTP ${status}`) ? message : `HTTP ${status}: ${message}`;
    return { kind: kindForHttpStatus(status), message: withStatus, httpStatus: status };
  }
  if (error instanceof UpstreamRpcError) {
    const detail =
      error.code === RpcErrorCode.UnsupportedProtocolVersion
        ? text(`${describe(error)}${versionDetail(error.data)}`)
        : message;
    return { kind: 'protocol', message: detail, httpStatus: null };
  }
  if (error instanceof HttpProtocolError) return { kind: 'protocol', message, httpStatus: null };
  const code = networkCode(error);
  if (code === 'ENOENT' || code === 'EACCES') {
    // A stdio command that cannot be started.
    return { kind: lost, message, httpStatus: null };
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
    return { kind: lost, message, httpStatus: null };
  }
  return { kind: 'protocol', message, httpStatus: null };
}

/** A Streamable HTTP 404 means the server forgot our session: reconnect, do not count a failure. */
export function isSessionExpired(error: unknown): boolean {
  const e = fromSdkError(error);
  return e instanceof HttpStatusError && e.status === 404;
}

export function isMethodNotFound(error: unknown): boolean {
  const e = fromSdkError(error);
  return e instanceof UpstreamRpcError && e.code === RpcErrorCode.MethodNotFound;
}

/** The server refused the protocol version asked for: the session must negotiate again. */
export function isVersionRejected(error: unknown): boolean {
  const e = fromSdkError(error);
  return e instanceof UpstreamRpcError && e.code === RpcErrorCode.UnsupportedProtocolVersion;
}
