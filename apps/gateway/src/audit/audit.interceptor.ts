import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { type Observable, tap } from 'rxjs';
import { AUDIT_METADATA, type AuditSpec } from './audited.decorator';
import { noteResult } from './audit-trail';

/** Hands an audited handler's result to the request's audit trail (it names created targets). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
    if (!spec || context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(tap({ next: (result) => noteResult(req, result) }));
  }
}
