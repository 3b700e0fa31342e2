import type { Request, Response } from 'express';
import { principalOf } from '../auth/principal';
import { errorCodeOf } from '../common/response-outcome';
import { UUID } from '../common/uuid';
import type { AuditRecord } from './audit.service';
import type { AuditSpec } from './audited.decorator';

const TRAIL = Symbol('omni2.auditTrail');

interface Trail {
  spec: AuditSpec;
  /** What the handler returned, when it returned (names the target of a create). */
  result: unknown;
}

type WithTrail = Request & { [TRAIL]?: Trail };

/**
 * Starts the audit entry of a request to an audited route, before authentication, so whatever
 * ends the request (a refused role, a body that does not parse, a validation error, the
 * handler's answer, the client going away) ends it with exactly one entry. Requests that never
 * authenticated have no actor and write none (failed logins are audited by the login itself).
 */
export function beginTrail(
  req: Request,
  res: Response,
  spec: AuditSpec,
  write: (entry: AuditRecord) => void,
): void {
  const trail: Trail = { spec, result: undefined };
  (req as WithTrail)[TRAIL] = trail;
  res.once('close', () => {
    const entry = entryFor(req, res, trail);
    if (entry) write(entry);
  });
}

/** Records the handler's result on the request's trail, if it has one. */
export function noteResult(req: Request, result: unknown): void {
  const trail = (req as WithTrail)[TRAIL];
  if (trail) trail.result = result;
}

function outcomeOf(res: Response): string {
  if (!res.writableFinished) return 'CLIENT_CLOSED';
  return errorCodeOf(res) ?? (res.statusCode < 400 ? 'ok' : `HTTP_${res.statusCode}`);
}

function entryFor(req: Request, res: Response, { spec, result }: Trail): AuditRecord | null {
  const principal = principalOf(req);
  if (!principal) return null;
  const ref = req.params[spec.param ?? 'id'];
  const refValue = typeof ref === 'string' ? ref : null;
  const returned = isRecord(result) ? result : {};
  const id = stringOr(returned.server_id) ?? stringOr(returned.id) ?? refValue;
  const name =
    stringOr(returned.name) ??
    stringOr(returned.username) ??
    (refValue && !UUID.test(refValue) ? refValue : null);
  const details: Record<string, unknown> = { outcome: outcomeOf(res), status: res.statusCode };
  if (req.body !== undefined && req.body !== null) details.request = req.body;
  if (typeof req.params.tool === 'string') details.tool = req.params.tool;
  if (typeof returned.is_error === 'boolean') details.is_error = returned.is_error;
  return {
    actor: { kind: principal.kind, id: principal.id, name: principal.name },
    action: spec.action,
    target: { type: spec.target, id: UUID.test(id ?? '') ? id : null, name: name ?? refValue },
    details,
    ip: req.ip ?? null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
