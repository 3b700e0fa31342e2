import { ALERT_EVENTS, SERVER_SCOPES } from '@omni2/contracts';
import { z } from 'zod';
import { recurrenceProblem } from './maintenance-schedule';

const WEEK_SECONDS = 7 * 86_400;

export const alertName = z
  .string({ message: 'is required' })
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
  .refine((v) => v.isWellFormed(), 'must not contain lone surrogates');

const uuidList = z.array(z.uuid({ message: 'must be an id' })).max(1_000);

/** A glob on server names: the characters names use, plus `*` and `?`. */
const namePattern = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_*?-]+$/, 'must be a name glob: lowercase letters, digits, "-", "_", "*", "?"');

const scopeFields = {
  server_scope: z.enum(SERVER_SCOPES).default('all'),
  server_ids: uuidList.default([]),
  name_pattern: namePattern.nullable().default(null),
};

function checkScope(
  s: { server_scope: string; server_ids: string[]; name_pattern: string | null },
  ctx: z.RefinementCtx,
): void {
  if (s.server_scope === 'list' && s.server_ids.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['server_ids'], message: 'must name a server' });
  }
  if (s.server_scope === 'pattern' && s.name_pattern === null) {
    ctx.addIssue({ code: 'custom', path: ['name_pattern'], message: 'is required' });
  }
}

export const ruleInputSchema = z
  .object({
    name: alertName,
    events: z
      .array(z.enum(ALERT_EVENTS))
      .min(1, 'must name an event')
      .refine((e) => new Set(e).size === e.length, 'must not repeat an event'),
    ...scopeFields,
    min_failures: z.int().min(1).max(1_000).nullable().default(null),
    min_duration_seconds: z.int().min(0).max(WEEK_SECONDS).default(0),
    reminder_interval_seconds: z.int().min(10).max(WEEK_SECONDS).nullable().default(null),
    send_recovery: z.boolean().default(true),
    channel_ids: uuidList.min(1, 'must name a channel'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine(checkScope)
  .meta({ id: 'AlertRuleInput' });

export type RuleInput = z.output<typeof ruleInputSchema>;

/** PATCH: the fields to change; merged with the rule, the whole is checked again. */
export const rulePatchSchema = patchOf(ruleInputSchema.shape, 'AlertRulePatch');

const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const windowInputSchema = z
  .object({
    name: alertName,
    starts_at: isoDate,
    ends_at: isoDate.nullable().default(null),
    recurrence: z.string().max(200).nullable().default(null),
    duration_seconds: z.int().min(60).max(WEEK_SECONDS).nullable().default(null),
    ...scopeFields,
  })
  .strict()
  .superRefine((w, ctx) => {
    checkScope(w, ctx);
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (w.recurrence === null) {
      if (w.ends_at === null) issue('ends_at', 'is required for a one-off window');
      else if (Date.parse(w.ends_at) <= Date.parse(w.starts_at)) {
        issue('ends_at', 'must be after starts_at');
      }
      if (w.duration_seconds !== null) issue('duration_seconds', 'is only for a recurring window');
    } else {
      const problem = recurrenceProblem(w.recurrence);
      if (problem) issue('recurrence', problem);
      if (w.duration_seconds === null) issue('duration_seconds', 'is required with recurrence');
      if (w.ends_at !== null && Date.parse(w.ends_at) <= Date.parse(w.starts_at)) {
        issue('ends_at', 'must be after starts_at');
      }
    }
  })
  .meta({ id: 'MaintenanceWindowInput' });

export type WindowInput = z.output<typeof windowInputSchema>;

export const windowPatchSchema = patchOf(windowInputSchema.shape, 'MaintenanceWindowPatch');

/**
 * A PATCH body: known fields only, each of its own type (documented as such); its values are
 * checked, with the whole, once merged into what is stored.
 */
function patchOf(shape: Record<string, z.ZodType>, id: string) {
  return z
    .object(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional()])))
    .strict()
    .meta({ id });
}

export const deliveryQuerySchema = z
  .object({
    channel_id: z.uuid({ message: 'must be an id' }).optional(),
    status: z.enum(['pending', 'sent', 'failed', 'held']).optional(),
    before: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
