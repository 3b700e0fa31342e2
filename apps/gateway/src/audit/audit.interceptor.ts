import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type Observable, finalize, tap } from 'rxjs';
import { AUDIT_METADATA, type AuditSpec } from './audited.decorator';
import { handlerSettled, handlerStarted, noteFailure, noteResult } from './audit-trail';

/**
 * Tells an audited request's trail what its handler did: the result names created targets, and
 * the entry waits for the handler to finish even when the client has gone.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
    if (!spec || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    handlerStarted(req);
    return next.handle().pipe(
      tap({
        next: (result) => noteResult(req, result),
        error: (error: unknown) => noteFailure(req, error),
      }),
      finalize(() => handlerSettled(req, http.getResponse<Response>())),
    );
  }
}
