import { HttpErrorResponse } from '@angular/common/http';
import { ERROR_CODES, type ErrorBody, type ErrorCode, type FieldError } from '@omni2/contracts';

/**
 * Every failed API call becomes one of these. Pages branch on `code` (from the gateway's
 * ErrorBody) or on `unreachable`, never on message text.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The gateway's error code; null when there was no ErrorBody (network failure, proxy page). */
    readonly code: ErrorCode | null,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Seconds from a 429's Retry-After header. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The API could not be reached at all (network down, gateway stopped). */
  get unreachable(): boolean {
    return this.status === 0;
  }

  /** The message for one field, e.g. `url` or `auth_config.token`. */
  fieldError(field: string): string | null {
    return this.fieldErrors.find((e) => e.field === field)?.message ?? null;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HttpErrorResponse) {
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after') ?? null);
    if (isErrorBody(error.error)) {
      const body = error.error;
      return new ApiError(
        error.status,
        body.code,
        body.message,
        body.errors ?? [],
        body.details ?? {},
        retryAfter,
      );
    }
    if (error.status === 0) {
      return new ApiError(0, null, 'The API cannot be reached (network error or gateway down)');
    }
    return new ApiError(
      error.status,
      null,
      `The API answered ${error.status} ${error.statusText || ''}`.trim(),
      [],
      {},
      retryAfter,
    );
  }
  return new ApiError(0, null, error instanceof Error ? error.message : String(error));
}

/** A short, human explanation of an error for banners and toasts, chosen by code. */
export function describeError(error: ApiError): string {
  if (error.unreachable) return 'API unreachable: the gateway does not answer';
  if (error.code === 'RATE_LIMITED') {
    return error.retryAfterSeconds !== null
      ? `Rate limited: retry in ${error.retryAfterSeconds} s`
      : 'Rate limited: retry shortly';
  }
  if (error.code === 'FORBIDDEN') return `Not allowed: ${error.message}`;
  if (error.code === 'UNAUTHENTICATED' || error.code === 'SESSION_EXPIRED') {
    return 'Your session ended: sign in again';
  }
  return error.message;
}
