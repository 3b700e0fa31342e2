import type { AuditQuery } from '@omni2/contracts';

/** The audit tab's filter controls, as typed (dates as `<input type="datetime-local">` gives them). */
export interface AuditFilters {
  actor: string;
  action: string;
  server: string;
  /** `YYYY-MM-DDTHH:mm` in the browser's time zone, or ''. */
  from: string;
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = {
  actor: '',
  action: '',
  server: '',
  from: '',
  to: '',
};

/** How long typing in a text filter waits before it asks the gateway. */
export const AUDIT_FILTER_DEBOUNCE_MS = 300;

export const AUDIT_PAGE_SIZE = 50;

/** A local date-time from a datetime-local input as an ISO instant, or null when there is none. */
export function localToIso(value: string): string | null {
  if (value.trim() === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** `GET /audit` query for the filters (empty ones left out) and the page cursor. */
export function auditQuery(filters: AuditFilters, before: string | null = null): AuditQuery {
  const query: AuditQuery = { limit: AUDIT_PAGE_SIZE };
  const actor = filters.actor.trim();
  const server = filters.server.trim();
  const from = localToIso(filters.from);
  const to = localToIso(filters.to);
  if (actor) query.actor = actor;
  if (filters.action) query.action = filters.action;
  if (server) query.server = server;
  if (from) query.from = from;
  if (to) query.to = to;
  if (before) query.before = before;
  return query;
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return Object.keys(auditQuery(filters)).some((k) => k !== 'limit');
}

/** One line of an entry's details: a dotted path and its value as text. */
export interface DetailLine {
  key: string;
  /** The value, cut to the shown length. */
  text: string;
  /** The whole value (what a tooltip or an expanded line shows). */
  full: string;
  truncated: boolean;
}

export const DETAIL_TEXT_MAX = 80;
export const DETAIL_LINES_MAX = 40;
/** Keys of what the gateway records about every action, shown first in this order. */
const LEADING_KEYS = ['outcome', 'status', 'client_closed', 'tool', 'is_error'];

/**
 * An audit entry's details as readable `key: value` lines: nested objects become dotted paths
 * (`request.auth_config`), lists of plain values one comma-separated line, lists of objects
 * indexed paths (`request.args[0].name`). Values longer than `max` are cut with an ellipsis;
 * the full text stays on the line. The gateway has already redacted secrets (`***`): what it
 * sent is shown as sent.
 */
export function detailLines(
  details: unknown,
  { max = DETAIL_TEXT_MAX, maxLines = DETAIL_LINES_MAX } = {},
): DetailLine[] {
  const lines: DetailLine[] = [];
  let more = 0;
  const push = (key: string, full: string) => {
    if (lines.length >= maxLines) {
      more += 1;
      return;
    }
    const truncated = full.length > max;
    lines.push({ key, full, truncated, text: truncated ? `${cut(full, max - 1)}…` : full });
  };
  const walk = (key: string, value: unknown): void => {
    if (Array.isArray(value)) {
      if (value.length === 0) return push(key, '(none)');
      if (value.every((v) => !isContainer(v))) return push(key, value.map(plain).join(', '));
      value.forEach((v, i) => walk(`${key}[${i}]`, v));
      return;
    }
    if (isContainer(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) return push(key, '(none)');
      for (const [k, v] of entries) walk(key ? `${key}.${k}` : k, v);
      return;
    }
    push(key, plain(value));
  };
  if (isContainer(details)) {
    // jsonb keeps keys by length, not as written: the outcome leads whatever the order.
    const rank = (k: string) => {
      const i = LEADING_KEYS.indexOf(k);
      return i < 0 ? LEADING_KEYS.length : i;
    };
    const entries = Object.entries(details).sort(([a], [b]) => rank(a) - rank(b));
    for (const [k, v] of entries) walk(k, v);
  } else if (details !== undefined && details !== null) {
    push('value', plain(details));
  }
  if (more > 0) {
    lines.push({ key: '…', text: `${more} more`, full: `${more} more`, truncated: false });
  }
  return lines;
}

function isContainer(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  // Objects and lists are walked before they get here; anything else (not JSON) by its type.
  return JSON.stringify(value) ?? typeof value;
}

/** The first `n` UTF-16 units, never splitting a surrogate pair. */
function cut(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? text.slice(0, n - 1) : text.slice(0, n);
}
