import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { type Observable, tap } from 'rxjs';
import { principalOf } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { AUDIT_METADATA, type AuditSpec } from './audited.decorator';
import { AuditService } from './audit.service';
import { redactBody } from './redact';
import { UUID } from '../common/uuid';

/** Writes an audit entry for each `@Audited` route call, after it succeeds or fails. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
    if (!spec || context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const write = (result: unknown, outcome: string) =>
      void this.audit.record(this.entry(req, spec, result, outcome));
    return next.handle().pipe(
      tap({
        next: (result) => write(result, 'ok'),
        error: (error: unknown) =>
          write(null, error instanceof DomainError ? error.code : 'INTERNAL'),
      }),
    );
  }

  private entry(req: Request, spec: AuditSpec, result: unknown, outcome: string) {
    const principal = principalOf(req);
    const ref = req.params[spec.param ?? 'id'];
    const refValue = typeof ref === 'string' ? ref : null;
    const returned = isRecord(result) ? result : {};
    const id = stringOr(returned.server_id) ?? stringOr(returned.id) ?? refValue;
    const name =
      stringOr(returned.name) ??
      stringOr(returned.username) ??
      (refValue && !UUID.test(refValue) ? refValue : null);
    const details: Record<string, unknown> = { outcome };
    if (req.body !== undefined && req.body !== null) details.request = redactBody(req.body);
    if (typeof req.params.tool === 'string') details.tool = req.params.tool;
    if (typeof returned.is_error === 'boolean') details.is_error = returned.is_error;
    return {
      actor: principal
        ? { kind: principal.kind, id: principal.id, name: principal.name }
        : { kind: 'system' as const, id: null, name: 'anonymous' },
      action: spec.action,
      target: { type: spec.target, id: UUID.test(id ?? '') ? id : null, name: name ?? refValue },
      details,
      ip: req.ip ?? null,
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
