import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { ErrorBody, ErrorCode } from '@omni2/contracts';
import type { Response } from 'express';
import { isDatabaseUnavailable, isRefusedValue } from './database-errors';
import { DomainError } from './domain-error';
import { httpStatusFor } from './http-status-for';
import { noteErrorCode } from './response-outcome';

function codeForHttpStatus(status: number): ErrorCode {
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status >= 400 && status < 500) return 'VALIDATION_FAILED';
  return 'INTERNAL';
}

/** One place that turns thrown errors into HTTP answers; unknown errors become a logged 500. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException && isTerminusReport(exception.getResponse())) {
      // Probes answer in Terminus' own shape, which orchestrators and dashboards expect.
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const body = this.bodyOf(exception);
    noteErrorCode(response, body.code);
    const retryAfter = body.details?.retry_after_seconds;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    // Always JSON, whatever content type the route set before it failed (an HTML route's error
    // must not be served as HTML).
    response.type('application/json').status(body.statusCode).json(body);
  }

  /** The body of the HTTP answer for `exception` (also sent as the `error` event of a streamed run). */
  bodyOf(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = httpStatusFor(exception.code);
      return {
        statusCode,
        code: exception.code,
        message: exception.message,
        ...(exception.errors ? { errors: exception.errors } : {}),
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      // Unknown routes, an undecodable path (%zz) and the body parser's errors (malformed JSON,
      // too large) arrive here, turned into HttpExceptions by Nest's Express adapter.
      const where =
        exception.cause instanceof URIError
          ? 'path'
          : statusCode === 400 || statusCode === 413
            ? 'request body'
            : null;
      const message = where ? `${where}: ${exception.message}` : exception.message;
      return { statusCode, code: codeForHttpStatus(statusCode), message };
    }
    const clientStatus = clientErrorStatus(exception);
    if (clientStatus !== null) {
      const { type, message } = exception as { type?: unknown; message?: unknown };
      // The body parser's errors carry a `type`; the router's (an undecodable path) do not.
      const where = typeof type === 'string' ? 'request body' : 'request';
      return {
        statusCode: clientStatus,
        code: 'VALIDATION_FAILED',
        message: `${where}: ${String(message)}`,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      this.log.warn(`database unavailable: ${String(exception)}`);
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        code: 'DEPENDENCY_UNAVAILABLE',
        message: 'database: not reachable right now; retry shortly',
        details: { dependency: 'database', retry_after_seconds: 5 },
      };
    }
    if (isRefusedValue(exception)) {
      // A value reached the database that validation should have refused: still the caller's
      // input, so a 400, but logged so the missing validation gets fixed.
      this.log.warn(`database refused a request value: ${String(exception)}`);
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        code: 'VALIDATION_FAILED',
        message: 'request: a value was refused by the database (unsupported characters or size)',
      };
    }
    this.log.error(exception instanceof Error ? exception.stack : String(exception));
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL',
      message: 'Internal server error',
    };
  }
}

function isTerminusReport(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'status' in body && 'details' in body;
}

/** Errors Express and its body parser raise for a bad request carry a 4xx `status`. */
function clientErrorStatus(exception: unknown): number | null {
  if (!(exception instanceof Error)) return null;
  const { status } = exception as { status?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
