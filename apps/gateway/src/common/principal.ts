import type { PrincipalView, Role } from '@omni2/contracts';
import type { Request } from 'express';

/** The authenticated caller of a request or socket. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  kind: 'user' | 'api_key';
  /** Epoch ms when the credential stops working; null when it does not expire. */
  expiresAt: number | null;
}

const PRINCIPAL = Symbol('omni2.principal');

type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function attachPrincipal(req: Request, principal: Principal): void {
  (req as WithPrincipal)[PRINCIPAL] = principal;
}

/** The caller, set by the auth guard; null only on public routes. */
export function principalOf(req: Request): Principal | null {
  return (req as WithPrincipal)[PRINCIPAL] ?? null;
}

export function principalView(p: Principal): PrincipalView {
  return {
    id: p.id,
    name: p.name,
    role: p.role,
    kind: p.kind,
    expires_at: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString(),
  };
}

/** The `Authorization: Bearer <credential>` value, or null. */
export function bearerOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1] : null;
}
