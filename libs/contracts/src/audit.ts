/**
 * Every action the audit log records, as written in `audit_log.action`. The gateway's
 * `@Audited(...)` routes and the login take their action names from this list (checked at
 * compile time), so the console can offer it as the action filter and the API can refuse an
 * action that can never match.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'user.create',
  'user.update',
  'user.delete',
  'user.change_password',
  'api_key.create',
  'api_key.revoke',
  'server.create',
  'server.update',
  'server.delete',
  'server.check',
  'server.check_all',
  'server.reload',
  'server.enable',
  'server.disable',
  'server.circuit_reset',
  'server.test_connection',
  'server.oauth_authorize',
  'server.oauth_authorized',
  'server.oauth_tokens_delete',
  'tool.execute',
  'tool.cancel',
  'resource.read',
  'prompt.get',
  'config.update',
  'alert_channel.create',
  'alert_channel.update',
  'alert_channel.delete',
  'alert_channel.test',
  'alert_rule.create',
  'alert_rule.update',
  'alert_rule.delete',
  'maintenance_window.create',
  'maintenance_window.update',
  'maintenance_window.delete',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTOR_KINDS = ['user', 'api_key', 'system'] as const;

export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

/**
 * Query of `GET /api/v1/audit`. Every filter is optional and they combine with AND; paging by
 * `before` (a `next_cursor`) works the same with filters.
 */
export interface AuditQuery {
  /** Who acted: a user name or API key name as recorded, or the user's / key's id. */
  actor?: string;
  actor_kind?: AuditActorKind;
  /** One action, or several comma-separated (any of them). */
  action?: string;
  /** A server's id or name: entries whose target is that server, whichever way they named it. */
  server?: string;
  /** Entries recorded at or after this ISO 8601 date-time. */
  from?: string;
  /** Entries recorded before this ISO 8601 date-time. */
  to?: string;
  /** Only entries whose target has this exact id (any target type). */
  target_id?: string;
  before?: string;
  /** 1..500, default 100. */
  limit?: number;
}
