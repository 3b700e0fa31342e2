import {
  REDACTED,
  type AlertChannelView,
  type AlertEvent,
  type AlertRuleView,
  type ChannelKind,
  type DeliveryStatus,
  type MaintenanceWindowView,
  type ServerScope,
  type ServerScopeKind,
} from '@omni2/contracts';
import { formatDateTime, formatDuration } from '../shared/format';

export interface Pair {
  name: string;
  value: string;
}

export const KIND_LABEL: Readonly<Record<ChannelKind, string>> = {
  webhook: 'Webhook (signed JSON)',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  discord: 'Discord',
  email: 'Email (SMTP)',
};

/** What each rule event means, in plain words. */
export const EVENT_LABEL: Readonly<Record<AlertEvent, string>> = {
  server_down: 'A server goes down (its circuit opens)',
  server_recovered: 'A server recovers',
  server_auto_disabled: 'A server is disabled automatically after repeated failures',
  auth_required: 'A server needs an operator to authorize it (OAuth)',
  capabilities_changed: 'A server’s tools, prompts or resources change',
  critical_alert: 'A critical alert is raised',
  coordinator_stalled: 'The health-check coordinator stalls',
};

export const STATUS_LABEL: Readonly<Record<DeliveryStatus, string>> = {
  pending: 'pending',
  sent: 'sent',
  failed: 'failed',
  held: 'held (maintenance)',
};

export type Security = 'tls' | 'starttls' | 'none';

/** Everything the channel dialog edits, as plain strings and lists. */
export interface ChannelForm {
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  /** Webhook and chat URL (a stored chat URL shows as `<origin>/***`, kept if unchanged). */
  url: string;
  /** Webhook HMAC secret; "***" keeps the stored one, empty sends none. */
  secret: string;
  headers: Pair[];
  host: string;
  port: string;
  security: Security;
  /** Refuse an SMTP server whose TLS certificate does not verify (the default). */
  verifyTls: boolean;
  username: string;
  password: string;
  from: string;
  /** Recipients, one per line (commas also separate). */
  to: string;
}

export function emptyChannelForm(): ChannelForm {
  return {
    name: '',
    kind: 'webhook',
    enabled: true,
    url: '',
    secret: '',
    headers: [],
    host: '',
    port: '587',
    security: 'starttls',
    verifyTls: true,
    username: '',
    password: '',
    from: '',
    to: '',
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The form for a stored channel: secrets stay "***" (sent back as such, they are kept). */
export function channelFormFrom(view: AlertChannelView): ChannelForm {
  const c = view.config;
  const headers = c['headers'];
  return {
    ...emptyChannelForm(),
    name: view.name,
    kind: view.kind,
    enabled: view.enabled,
    url: str(c['url']),
    secret: str(c['secret']),
    headers:
      headers && typeof headers === 'object'
        ? Object.entries(headers as Record<string, unknown>).map(([name, value]) => ({
            name,
            value: str(value),
          }))
        : [],
    host: str(c['host']),
    port: typeof c['port'] === 'number' ? String(c['port']) : '',
    security: (str(c['security']) || 'starttls') as Security,
    verifyTls: c['tls_reject_unauthorized'] !== false,
    username: str(c['username']),
    password: str(c['password']),
    from: str(c['from']),
    to: Array.isArray(c['to']) ? (c['to'] as unknown[]).map(str).join('\n') : '',
  };
}

/** A number typed as text: the number, or the text as typed so the gateway names the field. */
function numberOrText(text: string): number | string {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** The `config` object of a channel of the form's kind (empty optional fields left out). */
export function channelConfig(form: ChannelForm): Record<string, unknown> {
  switch (form.kind) {
    case 'webhook': {
      const headers = form.headers.filter((h) => h.name.trim() !== '' || h.value !== '');
      return {
        url: form.url.trim(),
        ...(form.secret !== '' ? { secret: form.secret } : {}),
        ...(headers.length > 0
          ? { headers: Object.fromEntries(headers.map((h) => [h.name.trim(), h.value])) }
          : {}),
      };
    }
    case 'slack':
    case 'teams':
    case 'discord':
      return { url: form.url.trim() };
    case 'email':
      return {
        host: form.host.trim(),
        port: numberOrText(form.port),
        security: form.security,
        ...(form.verifyTls ? {} : { tls_reject_unauthorized: false }),
        ...(form.username.trim() !== '' ? { username: form.username.trim() } : {}),
        ...(form.password !== '' ? { password: form.password } : {}),
        from: form.from.trim(),
        to: form.to
          .split(/[\s,;]+/)
          .map((a) => a.trim())
          .filter(Boolean),
      };
  }
}

/** The POST body of a new channel, or the PATCH body of an edit (kind cannot change). */
export function channelBody(form: ChannelForm, original: AlertChannelView | null) {
  const common = { name: form.name.trim(), config: channelConfig(form), enabled: form.enabled };
  return original ? common : { ...common, kind: form.kind };
}

/** One line saying where a channel sends: its URL (secrets hidden) or its SMTP relay and inbox. */
export function targetSummary(view: AlertChannelView): string {
  const c = view.config;
  if (view.kind === 'email') {
    const to = Array.isArray(c['to']) ? (c['to'] as unknown[]).map(str) : [];
    const more = to.length > 2 ? ` +${to.length - 2}` : '';
    return `${str(c['host'])}:${typeof c['port'] === 'number' ? c['port'] : ''} → ${to.slice(0, 2).join(', ')}${more}`;
  }
  if (c['sealed'] === REDACTED) return 'sealed under a key this replica lacks';
  return str(c['url']);
}

// ---- server scope (rules and windows) ----

export interface ScopeForm {
  scope: ServerScopeKind;
  serverIds: string[];
  namePattern: string;
}

export function scopeBody(form: ScopeForm): ServerScope {
  return {
    server_scope: form.scope,
    server_ids: form.scope === 'list' ? form.serverIds : [],
    name_pattern: form.scope === 'pattern' ? form.namePattern.trim() || null : null,
  };
}

export function scopeFormFrom(scope: ServerScope): ScopeForm {
  return {
    scope: scope.server_scope,
    serverIds: [...scope.server_ids],
    namePattern: scope.name_pattern ?? '',
  };
}

/** "All servers", "alpha, beta" (names of the ids), "Names matching web-*". */
export function scopeText(scope: ServerScope, nameOf: (id: string) => string | undefined): string {
  switch (scope.server_scope) {
    case 'all':
      return 'All servers';
    case 'list':
      return scope.server_ids.map((id) => nameOf(id) ?? `(deleted ${id.slice(0, 8)})`).join(', ');
    case 'pattern':
      return `Names matching ${scope.name_pattern ?? ''}`;
  }
}

/** Adds or removes `value` in a list (checkbox lists). */
export function toggled<T>(list: readonly T[], value: T, on: boolean): T[] {
  const without = list.filter((v) => v !== value);
  return on ? [...without, value] : without;
}

// ---- rules ----

export interface RuleForm extends ScopeForm {
  name: string;
  events: AlertEvent[];
  /** Empty: when the circuit opens. */
  minFailures: string;
  /** Seconds; empty: at once. */
  minDuration: string;
  /** Seconds; empty: no reminders. */
  reminder: string;
  sendRecovery: boolean;
  channelIds: string[];
  enabled: boolean;
}

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    events: ['server_down', 'server_recovered'],
    scope: 'all',
    serverIds: [],
    namePattern: '',
    minFailures: '',
    minDuration: '',
    reminder: '',
    sendRecovery: true,
    channelIds: [],
    enabled: true,
  };
}

export function ruleFormFrom(view: AlertRuleView): RuleForm {
  return {
    ...scopeFormFrom(view),
    name: view.name,
    events: [...view.events],
    minFailures: view.min_failures === null ? '' : String(view.min_failures),
    minDuration: view.min_duration_seconds === 0 ? '' : String(view.min_duration_seconds),
    reminder: view.reminder_interval_seconds === null ? '' : String(view.reminder_interval_seconds),
    sendRecovery: view.send_recovery,
    channelIds: [...view.channel_ids],
    enabled: view.enabled,
  };
}

const blankOr = <T>(text: string, blank: T): number | string | T =>
  text.trim() === '' ? blank : numberOrText(text);

export function ruleBody(form: RuleForm): Record<string, unknown> {
  return {
    name: form.name.trim(),
    events: form.events,
    ...scopeBody(form),
    min_failures: blankOr(form.minFailures, null),
    min_duration_seconds: blankOr(form.minDuration, 0),
    reminder_interval_seconds: blankOr(form.reminder, null),
    send_recovery: form.sendRecovery,
    channel_ids: form.channelIds,
    enabled: form.enabled,
  };
}

/** "after 3 failed checks, down for 5 min; reminders every 1 h; recovery sent". */
export function ruleConditions(rule: AlertRuleView): string {
  const parts = [
    rule.min_failures === null
      ? 'when the circuit opens'
      : `after ${rule.min_failures} failed check${rule.min_failures === 1 ? '' : 's'}`,
  ];
  if (rule.min_duration_seconds > 0) {
    parts.push(`down for ${formatDuration(rule.min_duration_seconds)}`);
  }
  if (rule.reminder_interval_seconds !== null) {
    parts.push(`reminders every ${formatDuration(rule.reminder_interval_seconds)}`);
  }
  parts.push(rule.send_recovery ? 'recovery sent' : 'no recovery message');
  return parts.join('; ');
}

// ---- maintenance windows ----

export interface WindowForm extends ScopeForm {
  name: string;
  recurring: boolean;
  /** `<input type="datetime-local">` values, in local time. */
  start: string;
  /** One-off: the end. Recurring: no occurrence after it (empty: forever). */
  end: string;
  /** Five-field cron expression, in UTC. */
  recurrence: string;
  /** Minutes each occurrence lasts. */
  durationMinutes: string;
}

/** An ISO instant as a `datetime-local` value in local time ("2026-12-06T03:00"). */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** A `datetime-local` value as ISO 8601; text that is no date goes as typed, for the 400. */
function fromLocalInput(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

export function emptyWindowForm(nowMs: number): WindowForm {
  const start = new Date(Math.ceil(nowMs / 3_600_000) * 3_600_000);
  return {
    name: '',
    recurring: false,
    start: toLocalInput(start.toISOString()),
    end: toLocalInput(new Date(start.getTime() + 3_600_000).toISOString()),
    recurrence: '0 2 * * 0',
    durationMinutes: '60',
    scope: 'all',
    serverIds: [],
    namePattern: '',
  };
}

export function windowFormFrom(view: MaintenanceWindowView): WindowForm {
  return {
    ...scopeFormFrom(view),
    name: view.name,
    recurring: view.recurrence !== null,
    start: toLocalInput(view.starts_at),
    end: toLocalInput(view.ends_at),
    recurrence: view.recurrence ?? '0 2 * * 0',
    durationMinutes:
      view.duration_seconds === null ? '60' : String(Math.round(view.duration_seconds / 60)),
  };
}

export function windowBody(form: WindowForm): Record<string, unknown> {
  const minutes = numberOrText(form.durationMinutes);
  return {
    name: form.name.trim(),
    starts_at: fromLocalInput(form.start),
    ends_at: form.end.trim() === '' ? null : fromLocalInput(form.end),
    recurrence: form.recurring ? form.recurrence.trim() : null,
    duration_seconds: form.recurring
      ? typeof minutes === 'number'
        ? minutes * 60
        : minutes
      : null,
    ...scopeBody(form),
  };
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * A cron expression in words for the common shapes (daily, on weekdays, monthly at a time);
 * anything else as the expression itself.
 */
export function cronInWords(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return expression;
  const [minute, hour, dom, month, dow] = fields;
  if (!/^\d+$/.test(minute) || !/^\d+$/.test(hour) || month !== '*') return `cron ${expression}`;
  const at = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')} UTC`;
  if (dom === '*' && dow === '*') return `every day at ${at}`;
  if (dom === '*' && /^[0-7](,[0-7])*$/.test(dow)) {
    const days = dow.split(',').map((d) => DAYS[Number(d) % 7]);
    return `every ${days.join(', ')} at ${at}`;
  }
  if (dom === '*' && dow === '1-5') return `every weekday at ${at}`;
  if (/^\d+$/.test(dom) && dow === '*') return `on day ${dom} of every month at ${at}`;
  return `cron ${expression}`;
}

/** When a window is on, in words: its range, or its schedule and how long each lasts. */
export function windowWhen(w: MaintenanceWindowView): string {
  if (w.recurrence === null) return `${formatDateTime(w.starts_at)} → ${formatDateTime(w.ends_at)}`;
  const lasting = w.duration_seconds === null ? '' : `, for ${formatDuration(w.duration_seconds)}`;
  const until = w.ends_at ? ` until ${formatDateTime(w.ends_at)}` : '';
  return `${cronInWords(w.recurrence)}${lasting} (from ${formatDateTime(w.starts_at)}${until})`;
}
