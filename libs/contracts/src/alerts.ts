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
