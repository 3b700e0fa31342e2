/**
 * What can go wrong between omni2 and an upstream MCP server, in omni2's own terms. Sessions
 * raise these (the SDK's errors are translated at the session's edge, sdk-errors.ts), so the
 * classifier, the breaker and tool execution never depend on which client spoke to the server.
 */

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

/** A reply that is not valid MCP (wrong content type, bad JSON, no response, no result). */
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

/** The connection ended before the answer (stdio: the process; HTTP: the socket). */
export class ConnectionClosedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ConnectionClosedError';
  }
}

/** The server answered the request with a JSON-RPC error: it is alive and said no. */
export class UpstreamRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'UpstreamRpcError';
  }
}

/**
 * The caller cancelled the request before the server answered: omni2 told the server
 * (`notifications/cancelled`, or on 2026-07-28 Streamable HTTP by closing the request's stream)
 * and stopped waiting. Not a failure of the server.
 */
export class CallCancelledError extends Error {
  constructor(readonly operation: string) {
    super(`${operation} was cancelled`);
    this.name = 'CallCancelledError';
  }
}

/**
 * No credential can be had for the server without an operator: it was never authorized, or its
 * refresh token was revoked or expired (SPEC §11, `auth_required`).
 */
export class AuthorizationRequiredError extends Error {
  constructor(readonly reason: string) {
    super(`authorization needed: ${reason}`);
  }
}

/**
 * The server refused the token for this request with `403 insufficient_scope` (MCP
 * authorization, step-up): it is alive and answered; the token lacks `scope`. `remedy` says
 * what the operator can do (authorize again for a wider scope, or nothing more omni2 can ask).
 */
export class ScopeRequiredError extends Error {
  constructor(
    readonly scope: string | undefined,
    remedy = '',
  ) {
    super(
      `the server requires scope ${scope ? `"${scope}"` : '(unnamed)'} for this request${remedy ? `; ${remedy}` : ''}`,
    );
    this.name = 'ScopeRequiredError';
  }
}

/**
 * The server keeps refusing fresh client-credentials tokens (audience or scope): omni2's own
 * configuration is wrong, not something an operator's authorization fixes. Counted as a failure.
 */
export class TokensRefusedError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'TokensRefusedError';
  }
}
