import type { Request, Response } from 'express';
import { principalOf } from '../common/principal';
import { DomainError } from '../common/domain-error';
import { errorCodeOf } from '../common/response-outcome';
import { UUID } from '../common/uuid';
import type { AuditRecord } from './audit.service';
import type { AuditSpec } from './audited.decorator';

const TRAIL = Symbol('omni2.auditTrail');

interface Trail {
  spec: AuditSpec;
  /** What the handler returned (names the target of a create). */
  result: unknown;
  /** `none`: refused before the handler (role, body); `running`; `settled` with its outcome. */
  handler: 'none' | 'running' | 'settled';
  handlerOutcome: string | null;
  closed: boolean;
  written: boolean;
  write: (entry: AuditRecord) => void;
}

type WithTrail = Request & { [TRAIL]?: Trail };

/**
 * Starts the audit entry of a request to an audited route, before authentication, so whatever
 * ends the request (a refused role, a body that does not parse, a validation error, the
 * handler's answer) ends it with exactly one entry, written once the response has closed and the
 * handler, if it ran, has finished: a client that goes away does not hide what the action did.
 * Requests that never authenticated have no actor and write none (failed logins are audited by
 * the login itself).
 */
export function beginTrail(
  req: Request,
  res: Response,
  spec: AuditSpec,
  write: (entry: AuditRecord) => void,
): void {
  const trail: Trail = {
    spec,
    result: undefined,
    handler: 'none',
    handlerOutcome: null,
    closed: false,
    written: false,
    write,
  };
  (req as WithTrail)[TRAIL] = trail;
  res.once('close', () => {
    trail.closed = true;
    finish(req, res, trail);
  });
}

/** The handler of a trailed request starts (the interceptor calls this). */
export function handlerStarted(req: Request): void {
  const trail = (req as WithTrail)[TRAIL];
  if (trail) trail.handler = 'running';
}

/** The handler returned `result`. */
export function noteResult(req: Request, result: unknown): void {
  const trail = (req as WithTrail)[TRAIL];
  if (trail) {
    trail.result = result;
    trail.handlerOutcome = 'ok';
  }
}

/** The handler threw. */
export function noteFailure(req: Request, error: unknown): void {
  const trail = (req as WithTrail)[TRAIL];
  if (trail) trail.handlerOutcome = error instanceof DomainError ? error.code : 'INTERNAL';
}

/** The handler has finished, whatever its outcome. */
export function handlerSettled(req: Request, res: Response): void {
  const trail = (req as WithTrail)[TRAIL];
  if (!trail) return;
  trail.handler = 'settled';
  finish(req, res, trail);
}

function finish(req: Request, res: Response, trail: Trail): void {
  if (!trail.closed || trail.handler === 'running' || trail.written) return;
  trail.written = true;
  const entry = entryFor(req, res, trail);
  if (entry) trail.write(entry);
}

function outcomeOf(res: Response, trail: Trail): string {
  if (res.writableFinished) {
    return errorCodeOf(res) ?? (res.statusCode < 400 ? 'ok' : `HTTP_${res.statusCode}`);
  }
  // The client went away first: what the handler did, if it ran, is the outcome.
  return trail.handlerOutcome ?? 'CLIENT_CLOSED';
}

function entryFor(req: Request, res: Response, trail: Trail): AuditRecord | null {
  const principal = principalOf(req);
  if (!principal) return null;
  const { spec, result } = trail;
  const ref = req.params[spec.param ?? 'id'];
  const refValue = typeof ref === 'string' ? ref : null;
  const returned = isRecord(result) ? result : {};
  const id = stringOr(returned.server_id) ?? stringOr(returned.id) ?? refValue;
  const name =
    stringOr(returned.name) ??
    stringOr(returned.username) ??
    (refValue && !UUID.test(refValue) ? refValue : null);
  const details: Record<string, unknown> = {
    outcome: outcomeOf(res, trail),
    status: res.writableFinished ? res.statusCode : null,
  };
  if (!res.writableFinished) details.client_closed = true;
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
