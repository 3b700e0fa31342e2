import {
  suspicionOf,
  type HealthStatus,
  type Suspicion,
  type McpServerView,
  type Protocol,
} from '@omni2/contracts';
import { eraOf, type EraFilter } from '../shared/protocol-labels';

export type SortKey = 'name' | 'status' | 'failures' | 'last_check' | 'response_time' | 'tools';
export type SortDir = 'asc' | 'desc';

export interface TableQuery {
  text: string;
  statuses: ReadonlySet<HealthStatus>;
  protocol: Protocol | null;
  /** Protocol era; `unknown` matches servers never contacted (`protocol_era` null). */
  era: EraFilter | null;
  sort: SortKey;
  dir: SortDir;
}

/** Worst first: what needs attention sorts to the top by status. */
export const STATUS_RANK: Readonly<Record<HealthStatus, number>> = {
  circuit_open: 0,
  auth_required: 1,
  unhealthy: 2,
  unknown: 3,
  disabled: 4,
  healthy: 5,
};

function matches(server: McpServerView, text: string): boolean {
  if (!text) return true;
  const haystack = [server.name, server.description, server.url, server.command]
    .filter((v): v is string => typeof v === 'string')
    .join(' ')
    .toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

function time(iso: string | null): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

const COMPARE: Readonly<Record<SortKey, (a: McpServerView, b: McpServerView) => number>> = {
  name: (a, b) => a.name.localeCompare(b.name),
  status: (a, b) =>
    (STATUS_RANK[a.health_status] ?? 9) - (STATUS_RANK[b.health_status] ?? 9) ||
    b.consecutive_failures - a.consecutive_failures,
  failures: (a, b) => a.consecutive_failures - b.consecutive_failures,
  last_check: (a, b) => time(a.last_health_check) - time(b.last_health_check),
  response_time: (a, b) =>
    (a.last_response_time_ms ?? Infinity) - (b.last_response_time_ms ?? Infinity),
  tools: (a, b) => (a.capabilities?.tools ?? -1) - (b.capabilities?.tools ?? -1),
};

/** Search (every word must match name, description, URL or command), filters, then a stable sort. */
export function tableRows(servers: readonly McpServerView[], query: TableQuery): McpServerView[] {
  const text = query.text.trim();
  const rows = servers.filter(
    (s) =>
      (query.statuses.size === 0 || query.statuses.has(s.health_status)) &&
      (query.protocol === null || s.protocol === query.protocol) &&
      (query.era === null || eraOf(s) === query.era) &&
      matches(s, text),
  );
  const compare = COMPARE[query.sort];
  const sign = query.dir === 'asc' ? 1 : -1;
  return rows.sort((a, b) => sign * compare(a, b) || a.name.localeCompare(b.name));
}

/**
 * Rows in the order the user last asked for (`order`, ids): live updates change rows in place and
 * never move them. Rows that were not there then follow, in the live sort's order.
 */
export function holdOrder(
  live: readonly McpServerView[],
  order: readonly string[] | null,
): McpServerView[] {
  if (order === null) return [...live];
  const rank = new Map(order.map((id, i) => [id, i]));
  const known = live.filter((s) => rank.has(s.id));
  known.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  return [...known, ...live.filter((s) => !rank.has(s.id))];
}

/** True when two row lists hold the same servers in the same order. */
export function sameOrder(a: readonly McpServerView[], b: readonly McpServerView[]): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i].id);
}

/**
 * The "failing k/threshold" mark of a server, or null. A server waiting for an operator's OAuth
 * authorization is not failing: it waits for a person, not for its upstream to come back.
 */
export function suspicionFor(
  server: Pick<
    McpServerView,
    'status' | 'circuit_state' | 'consecutive_failures' | 'health_status'
  >,
  threshold: number,
): Suspicion | null {
  return server.health_status === 'auth_required' ? null : suspicionOf(server, threshold);
}

/** The servers marked "failing k/threshold": checks failing while the circuit is still closed. */
export function failingServers(
  servers: readonly McpServerView[],
  threshold: number,
): McpServerView[] {
  return servers.filter((s) => suspicionFor(s, threshold) !== null);
}

export function countByStatus(servers: readonly McpServerView[]): Record<HealthStatus, number> {
  const counts: Record<HealthStatus, number> = {
    healthy: 0,
    unhealthy: 0,
    circuit_open: 0,
    unknown: 0,
    disabled: 0,
    auth_required: 0,
  };
  for (const s of servers) counts[s.health_status] = (counts[s.health_status] ?? 0) + 1;
  return counts;
}
