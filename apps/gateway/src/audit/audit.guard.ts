import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainError } from '../common/domain-error';
import { Metrics } from '../metrics/metrics';
import { AUDIT_METADATA, type AuditSpec } from './audited.decorator';
import { AuditService } from './audit.service';
import { beginTrail } from './audit-trail';

/**
 * Global, and registered before authentication: starts the audit entry of every request to an
 * `@Audited` route (see beginTrail). While the audit backlog is full an audited action is
 * refused with a 503 instead of running unrecorded.
 */
@Injectable()
export class AuditGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_METADATA, context.getHandler());
    if (!spec) return true;
    if (!this.audit.accepting()) {
      this.metrics.auditRefusedRequests.inc();
      throw new DomainError(
        'DEPENDENCY_UNAVAILABLE',
        'audit: the audit log is not being written; audited actions wait until it is',
        undefined,
        { dependency: 'audit_log', retry_after_seconds: 5 },
      );
    }
    const http = context.switchToHttp();
    beginTrail(http.getRequest<Request>(), http.getResponse<Response>(), spec, (entry) =>
      this.audit.record(entry),
    );
    return true;
  }
}
