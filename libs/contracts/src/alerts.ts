/**
 * SPEC §12: alerts and notifications. Names here are fixed by the spec (channel kinds, rule
 * events, routes, webhook headers).
 */

export const CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'discord', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What a rule can watch for. */
export const ALERT_EVENTS = [
  /** The circuit opened. */
  'server_down',
  'server_recovered',
  'server_auto_disabled',
  'auth_required',
  'capabilities_changed',
  'critical_alert',
  'coordinator_stalled',
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** Why a notification was sent: the first one, a reminder while still down, or the recovery. */
export const NOTIFICATION_KINDS = ['alert', 'reminder', 'recovery', 'test'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The webhook headers (SPEC §12). */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Omni2-Signature';
export const WEBHOOK_DELIVERY_HEADER = 'X-Omni2-Delivery';

/**
 * What every channel is sent: the JSON body of a generic webhook, and what chat and email
 * messages are written from. `delivery_id` is the same on every retry of one notification.
 */
export interface AlertNotification {
  delivery_id: string;
  kind: NotificationKind;
  event: AlertEvent;
  severity: 'info' | 'warning' | 'error' | 'critical';
  /** One line for people, e.g. "billing is down: circuit opened after 3 failures". */
  title: string;
  /** More detail for people (the last error, how long it has been down). */
  text: string;
  server: { id: string; name: string } | null;
  rule: { id: string; name: string } | null;
  /** When the change happened (ISO 8601). */
  occurred_at: string;
  /** The omni2 event behind it, when there is one. */
  event_id: string | null;
  /** Where the console shows it, when OMNI2_PUBLIC_URL is known. */
  url: string | null;
}

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'held'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const SERVER_SCOPES = ['all', 'list', 'pattern'] as const;
export type ServerScopeKind = (typeof SERVER_SCOPES)[number];

/** Which servers a rule or a maintenance window covers. */
export interface ServerScope {
  server_scope: ServerScopeKind;
  /** With `list`: the servers' ids. */
  server_ids: string[];
  /** With `pattern`: a glob on server names (`*` any run, `?` one character). */
  name_pattern: string | null;
}

/** A channel as the API shows it: secrets replaced by "***". */
export interface AlertChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface AlertRuleView extends ServerScope {
  id: string;
  name: string;
  events: AlertEvent[];
  /** server_down: after this many failed checks in a row (null: when the circuit opens). */
  min_failures: number | null;
  /** server_down: only once it has been failing this long. */
  min_duration_seconds: number;
  /** server_down: remind this often while still down (null: no reminders). */
  reminder_interval_seconds: number | null;
  /** Send a message when it recovers (server_down, auth_required). */
  send_recovery: boolean;
  channel_ids: string[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface MaintenanceWindowView extends ServerScope {
  id: string;
  name: string;
  starts_at: string;
  /** One-off: when it ends. Recurring: no occurrence after it (null: forever). */
  ends_at: string | null;
  /** Recurring: a five-field cron expression in UTC; each occurrence lasts `duration_seconds`. */
  recurrence: string | null;
  duration_seconds: number | null;
  /** An occurrence is on now. */
  active: boolean;
  /** The occurrence on now or the next one: [start, end), null when none is left. */
  current_or_next: { starts_at: string; ends_at: string } | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface DeliveryView {
  /** The delivery id receivers see (X-Omni2-Delivery). */
  id: string;
  channel_id: string;
  channel_name: string | null;
  channel_kind: ChannelKind | null;
  rule_id: string | null;
  server_id: string | null;
  event: AlertEvent;
  kind: NotificationKind;
  status: DeliveryStatus;
  attempts: number;
  title: string;
  last_status_code: number | null;
  last_error: string | null;
  /** The start of the receiver's answer. */
  response: string | null;
  created_at: string;
  next_attempt_at: string | null;
  finished_at: string | null;
}

export interface DeliveryPage {
  items: DeliveryView[];
  /** Pass as `before` for older entries; null at the end. */
  next_cursor: string | null;
}

/** `POST /alerts/channels/:id/test`: what the receiver answered. */
export interface ChannelTestResult {
  ok: boolean;
  status_code: number | null;
  response: string;
  error: string | null;
  delivery_id: string;
}

/** Whether a rule or window covers a server: all, a list of ids, or a name glob. */
export function scopeCovers(scope: ServerScope, server: { id: string; name: string }): boolean {
  switch (scope.server_scope) {
    case 'all':
      return true;
    case 'list':
      return scope.server_ids.includes(server.id);
    case 'pattern':
      return scope.name_pattern !== null && globMatches(scope.name_pattern, server.name);
  }
}

/** A name glob: `*` any run of characters, `?` exactly one, everything else itself. */
export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(name);
}
