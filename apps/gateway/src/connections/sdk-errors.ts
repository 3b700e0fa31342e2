import {
  InsufficientScopeError,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import {
  ConnectionClosedError,
  HttpProtocolError,
  HttpStatusError,
  ScopeRequiredError,
  UpstreamRpcError,
  UpstreamTimeoutError,
} from './upstream-errors';

/**
 * The MCP SDK's client errors (v2) as omni2's own (upstream-errors.ts); anything else as it is.
 * A JSON-RPC error the server sent stays the server's answer; the SDK's own conditions (timeout,
 * closed connection, HTTP status, a reply it could not use) become the layer that failed.
 */
export function fromSdkError(error: unknown): unknown {
  if (error instanceof InsufficientScopeError) {
    return withCause(new ScopeRequiredError(error.requiredScope), error);
  }
  if (error instanceof SdkHttpError)
    return withCause(new HttpStatusError(error.status, error.message), error);
  if (error instanceof UnauthorizedError)
    return withCause(new HttpStatusError(401, error.message), error);
  if (error instanceof SseError) {
    return typeof error.code === 'number' && error.code >= 100
      ? withCause(new HttpStatusError(error.code, error.message), error)
      : withCause(new ConnectionClosedError(error.message), error);
  }
  if (error instanceof ProtocolError) {
    return withCause(new UpstreamRpcError(error.code, error.message, error.data), error);
  }
  if (!(error instanceof SdkError)) return statusFromText(error);
  switch (error.code) {
    case SdkErrorCode.RequestTimeout: {
      const timeout = (error.data as { timeout?: unknown } | undefined)?.timeout;
      const ms = typeof timeout === 'number' ? timeout : 0;
      return withCause(new UpstreamTimeoutError('request', ms), error);
    }
    case SdkErrorCode.ConnectionClosed:
    case SdkErrorCode.NotConnected:
    case SdkErrorCode.SendFailed:
      return withCause(new ConnectionClosedError(error.message), error);
    case SdkErrorCode.ClientHttpAuthentication:
      return withCause(new HttpStatusError(401, error.message), error);
    case SdkErrorCode.ClientHttpForbidden:
      return withCause(new HttpStatusError(403, error.message), error);
    case SdkErrorCode.EraNegotiationFailed:
      // A probe that failed on the network keeps its cause (ECONNREFUSED and the like).
      return error.cause === undefined
        ? withCause(new HttpProtocolError(error.message), error)
        : error;
    // The exchange itself went wrong: a reply the client cannot use, or a step it cannot take.
    case SdkErrorCode.AlreadyConnected:
    case SdkErrorCode.NotInitialized:
    case SdkErrorCode.CapabilityNotSupported:
    case SdkErrorCode.InvalidResult:
    case SdkErrorCode.UnsupportedResultType:
    case SdkErrorCode.InputRequiredRoundsExceeded:
    case SdkErrorCode.ListPaginationExceeded:
    case SdkErrorCode.MethodNotSupportedByProtocolVersion:
    case SdkErrorCode.ClientHttpNotImplemented:
    case SdkErrorCode.ClientHttpUnexpectedContent:
    case SdkErrorCode.ClientHttpFailedToOpenStream:
    case SdkErrorCode.ClientHttpFailedToTerminateSession:
      return withCause(new HttpProtocolError(error.message), error);
  }
}

/** Some transport failures carry the HTTP status only in their text: "... (HTTP 403): ...". */
function statusFromText(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof HttpStatusError) return error;
  const match = /\(HTTP (\d{3})\)/.exec(error.message);
  return match ? withCause(new HttpStatusError(Number(match[1]), error.message), error) : error;
}

function withCause<E extends Error>(translated: E, original: Error): E {
  if (translated.cause === undefined && original.cause !== undefined) {
    Object.defineProperty(translated, 'cause', { value: original.cause, enumerable: false });
  }
  return translated;
}
