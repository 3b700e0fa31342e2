import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS, type AuditAction } from '@omni2/contracts';
import { z } from 'zod';
import { parseOrThrow } from '../common/zod-body';

const ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/**
 * `YYYY-MM-DD` (midnight UTC) or a date-time with a time zone (`Z` or `±hh:mm`): a local time
 * without a zone would mean whatever the gateway's zone is.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2})))?$/i;

/** The instant `text` names, or null unless it is a real ISO 8601 date(-time) (no 30 February). */
export function parseIsoInstant(text: string): Date | null {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second, , offsetHour, offsetMinute] = [
    m[1],
    m[2],
    m[3],
    m[4] ?? '0',
    m[5] ?? '0',
    m[6] ?? '0',
    m[7],
    m[8] ?? '0',
    m[9] ?? '0',
  ].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHour > 23 || offsetMinute > 59) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

const instant = z.string().transform((text, ctx) => {
  const at = parseIsoInstant(text);
  if (at) return at;
  ctx.addIssue({
    code: 'custom',
    message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z',
  });
  return z.NEVER;
});

/** One action, or several comma-separated; each must be one the audit log records. */
const actions = z
  .string()
  .max(2_000)
  .transform((text, ctx) => {
    const names = [...new Set(text.split(',').map((s) => s.trim()))].filter(Boolean);
    const unknown = names.filter((n) => !ACTIONS.has(n));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `has unknown action ${JSON.stringify(unknown[0].slice(0, 100))}; known: ${AUDIT_ACTIONS.join(', ')}`,
      });
      return z.NEVER;
    }
    return names as AuditAction[];
  });

/** An empty value (`?actor=`) is no filter, as it always was. */
const optional = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const auditQuerySchema = z
  .object({
    before: optional(
      z.string().regex(/^\d{1,18}$/, 'must be an audit entry id (a next_cursor)'),
    ).meta({ description: 'The next_cursor of the previous page' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    action: optional(actions).meta({
      description: `Comma-separated, each one of: ${AUDIT_ACTIONS.join(', ')}`,
    }),
    actor: optional(z.string().max(256)).meta({ description: 'User or API key name, or its id' }),
    actor_kind: optional(z.enum(AUDIT_ACTOR_KINDS)),
    server: optional(z.string().max(256)).meta({ description: 'Server id or name' }),
    target_id: optional(z.string().max(256)).meta({ description: 'Exact target id, any type' }),
    from: optional(instant).meta({ description: 'ISO 8601 date-time with a zone, inclusive' }),
    to: optional(instant).meta({ description: 'ISO 8601 date-time with a zone, exclusive' }),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from.getTime() > q.to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
    }
  });

export type AuditFilter = z.output<typeof auditQuerySchema>;

/** The query of `GET /audit`, or a 400 naming each bad field. */
export function parseAuditQuery(raw: Record<string, unknown>): AuditFilter {
  return parseOrThrow(auditQuerySchema, raw);
}
