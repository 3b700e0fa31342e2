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
import { DomainError } from './domain-error';
import { httpStatusFor } from './http-status-for';

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
    const body = this.toBody(exception);
    const retryAfter = body.details?.retry_after_seconds;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
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
      // Unknown routes and the body parser's errors (malformed JSON, too large) arrive here.
      const message =
        statusCode === 400 || statusCode === 413
          ? `request body: ${exception.message}`
          : exception.message;
      return { statusCode, code: codeForHttpStatus(statusCode), message };
    }
    const bodyParserStatus = bodyParserErrorStatus(exception);
    if (bodyParserStatus !== null) {
      return {
        statusCode: bodyParserStatus,
        code: 'VALIDATION_FAILED',
        message: `request body: ${(exception as Error).message}`,
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

function bodyParserErrorStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500) {
    return status;
  }
  return null;
}
