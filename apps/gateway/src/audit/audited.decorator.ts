import { SetMetadata } from '@nestjs/common';

export const AUDIT_METADATA = 'omni2:audit';

export interface AuditSpec {
  /** e.g. `server.update`. */
  action: string;
  /** What the `:id` route parameter names: `server`, `user`, `api_key`, `config`. */
  target: string;
  /** The route parameter holding the target (default `id`). */
  param?: string;
}

/** Records every call of the route that got past authentication, with its outcome. */
export const Audited = (action: string, target: string, param = 'id') =>
  SetMetadata(AUDIT_METADATA, { action, target, param } satisfies AuditSpec);
