import { SetMetadata } from '@nestjs/common';
import type { AuditAction } from '@omni2/contracts';

export const AUDIT_METADATA = 'omni2:audit';

export interface AuditSpec {
  /** e.g. `server.update`: one of AUDIT_ACTIONS, so the audit filter knows every action. */
  action: AuditAction;
  /** What the `:id` route parameter names: `server`, `user`, `api_key`, `config`. */
  target: string;
  /** The route parameter holding the target (default `id`). */
  param?: string;
}

/** Records every call of the route that got past authentication, with its outcome. */
export const Audited = (action: AuditAction, target: string, param = 'id') =>
  SetMetadata(AUDIT_METADATA, { action, target, param } satisfies AuditSpec);
