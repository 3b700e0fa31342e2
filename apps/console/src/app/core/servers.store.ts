import { Injectable, computed, inject, signal } from '@angular/core';
import type {
  BulkHealthCheckResult,
  EventEnvelope,
  HealthCheckResult,
  McpServerList,
  McpServerView,
} from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';
import { Realtime } from './realtime.service';

/** Applies one event to a server row; returns the row unchanged when the event says nothing new. */
export function applyEventToServer(server: McpServerView, event: EventEnvelope): McpServerView {
  switch (event.type) {
    case 'mcp_health_check': {
      const data = (event as EventEnvelope<'mcp_health_check'>).data;
      return withCheck(server, { ...data, checked_at: event.timestamp });
    }
    case 'mcp_status_change': {
      const data = (event as EventEnvelope<'mcp_status_change'>).data;
      const disabled = data.new_status === 'disabled';
      return {
        ...server,
        health_status: data.new_status,
        status: disabled ? 'inactive' : server.status === 'inactive' ? 'active' : server.status,
        disabled_reason: disabled ? (server.disabled_reason ?? 'manual') : null,
        next_check_at: data.recovery_eta ?? server.next_check_at,
      };
    }
    case 'circuit_breaker_state': {
      const data = (event as EventEnvelope<'circuit_breaker_state'>).data;
      return {
        ...server,
        circuit_state: data.new_state,
        consecutive_failures: data.consecutive_failures,
        failure_cycles: data.failure_cycles,
        next_check_at: data.next_attempt_at ?? server.next_check_at,
        // An outage starts when the circuit first opens and ends when it closes.
        down_since: data.new_state === 'closed' ? null : (server.down_since ?? event.timestamp),
      };
    }
    case 'mcp_auto_disabled':
      return {
        ...server,
        status: 'inactive',
        disabled_reason: 'auto',
        health_status: 'disabled',
        next_check_at: null,
      };
    case 'capabilities_changed': {
      const data = (event as EventEnvelope<'capabilities_changed'>).data;
      return {
        ...server,
        capabilities: { tools: data.tools, prompts: data.prompts, resources: data.resources },
      };
    }
    case 'recovery_progress':
    case 'critical_alert':
    case 'mcp_config_changed':
      return server;
  }
}

/** What a check says, whether it came as an event or as the answer to "check now". */
type CheckOutcome = Pick<
  HealthCheckResult,
  | 'ok'
  | 'response_time_ms'
  | 'error'
  | 'error_kind'
  | 'consecutive_failures'
  | 'health_status'
  | 'checked_at'
>;

/**
 * A check written onto its row as the API writes it: a success clears the last error, a failure
 * keeps the last good response time (the row shows the failure itself, see `lastCheckOf`).
 */
function withCheck(server: McpServerView, check: CheckOutcome): McpServerView {
  return {
    ...server,
    health_status: check.health_status,
    consecutive_failures: check.consecutive_failures,
    last_health_check: check.checked_at,
    last_response_time_ms: check.ok ? check.response_time_ms : server.last_response_time_ms,
    last_success_at: check.ok ? check.checked_at : server.last_success_at,
    last_error: check.ok ? null : check.error,
    last_error_kind: check.ok ? null : check.error_kind,
  };
}

/** A check's answer, written onto the row it belongs to. */
export function applyCheckToServer(
  server: McpServerView,
  result: HealthCheckResult,
): McpServerView {
  return withCheck(server, result);
}

/** Deep equality of two JSON values (what a server view is made of). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameJson(x[k], y[k]));
}

/**
 * The next rows from a fresh snapshot, keeping the row objects that did not change, so views
 * keyed by identity re-render only what changed. Returns `current` itself when nothing did.
 */
export function mergeSnapshot(
  current: ReadonlyMap<string, McpServerView>,
  items: readonly McpServerView[],
): ReadonlyMap<string, McpServerView> {
  const next = new Map<string, McpServerView>();
  let changed = items.length !== current.size;
  const ids = current.keys();
  for (const item of items) {
    const old = current.get(item.id);
    const keep = old !== undefined && sameJson(old, item);
    next.set(item.id, keep ? old : item);
    // Same rows in the same order: the map (and every list computed from it) stays as it is.
    if (!keep || ids.next().value !== item.id) changed = true;
  }
  return changed ? next : current;
}

/**
 * The server list as signals. Loaded once, then kept current in place from events (no refetch);
 * a full refetch only happens on a replay gap, an explicit refresh, or while no event path works.
 * Pages call `load()` on entry: it refetches only when events may have been missed (the rows were
 * fetched before the event stream was up, or the stream is down), and a refetch that finds
 * nothing new keeps every row object, so the table does not re-render.
 */
@Injectable({ providedIn: 'root' })
export class ServersStore {
  private readonly api = inject(Api);
  private readonly realtime = inject(Realtime);

  private readonly rows = signal<ReadonlyMap<string, McpServerView>>(new Map());
  private readonly loadedSignal = signal(false);
  private readonly errorSignal = signal<ApiError | null>(null);
  private readonly refreshedAt = signal<number | null>(null);
  private inflight: Promise<void> | null = null;
  /** The rows were fetched while the event stream was up, so events have kept them current. */
  private streamCovered = false;
  /** Events that arrived while a snapshot was on its way: replayed onto it, in order. */
  private arrivedDuringFetch: EventEnvelope[] | null = null;

  readonly servers = computed(() => [...this.rows().values()]);
  readonly loaded = this.loadedSignal.asReadonly();
  /** The last load error; the list keeps its last good rows meanwhile. */
  readonly error = this.errorSignal.asReadonly();
  readonly lastRefreshedAt = this.refreshedAt.asReadonly();
  readonly total = computed(() => this.rows().size);

  constructor() {
    this.realtime.onEvent((event) => this.applyEvent(event));
    this.realtime.onResync(() => void this.refresh());
    // With neither the socket nor event polling working, refresh the snapshot now and then.
    setInterval(() => {
      if (this.loadedSignal() && this.realtime.state() === 'offline') void this.refresh();
    }, 30_000);
  }

  /** The row whose id is `ref`, else the one named `ref` (the detail page's URL takes either). */
  byIdOrName(ref: string): McpServerView | undefined {
    const rows = this.rows();
    return rows.get(ref) ?? [...rows.values()].find((s) => s.name === ref);
  }

  /**
   * First load; later calls refresh silently (rows stay on screen), unless the rows are known to
   * be current: fetched while the event stream was up, and it is still up (a reconnect resumes
   * from the last id, and a replay gap asks for a refresh by itself).
   */
  load(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.loadedSignal() && this.streamCovered && this.streamUp()) return Promise.resolve();
    return this.refresh();
  }

  refresh(): Promise<void> {
    this.inflight ??= this.fetch().finally(() => (this.inflight = null));
    return this.inflight;
  }

  upsert(server: McpServerView): void {
    const next = new Map(this.rows());
    next.set(server.id, server);
    this.rows.set(next);
  }

  remove(id: string): void {
    if (!this.rows().has(id)) return;
    const next = new Map(this.rows());
    next.delete(id);
    this.rows.set(next);
  }

  applyCheck(result: HealthCheckResult): void {
    const current = this.rows().get(result.server_id);
    if (current) this.upsert(applyCheckToServer(current, result));
  }

  applyBulk(result: BulkHealthCheckResult): void {
    const next = new Map(this.rows());
    for (const r of result.results) {
      const current = next.get(r.server_id);
      if (current) next.set(r.server_id, applyCheckToServer(current, r));
    }
    this.rows.set(next);
  }

  applyEvent(event: EventEnvelope): void {
    this.arrivedDuringFetch?.push(event);
    if (event.type === 'mcp_config_changed') {
      // Registrations added, edited or deleted anywhere arrive with the new view: no refetch.
      const data = (event as EventEnvelope<'mcp_config_changed'>).data;
      if (data.key !== 'server') return;
      if (data.action === 'deleted') {
        if (event.server_id) this.remove(event.server_id);
      } else if (data.server) {
        this.upsert(data.server);
      } else if (event.server_id) {
        this.refetchOne(event.server_id);
      }
      return;
    }
    if (!event.server_id) return;
    const current = this.rows().get(event.server_id);
    if (!current) {
      // A server this client has not seen yet: fetch just that row.
      if (this.loadedSignal()) this.refetchOne(event.server_id);
      return;
    }
    const next = applyEventToServer(current, event);
    if (next !== current) this.upsert(next);
  }

  /** One row from the API (after an edit elsewhere); null and removed on 404; throws otherwise. */
  async fetchOne(id: string): Promise<McpServerView | null> {
    try {
      const server = await this.api.get<McpServerView>(`/mcp/servers/${encodeURIComponent(id)}`);
      this.upsert(server);
      return server;
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code !== 'SERVER_NOT_FOUND') throw apiError;
      this.remove(id);
      return null;
    }
  }

  private refetchOne(id: string): void {
    this.fetchOne(id).catch(() => undefined);
  }

  private streamUp(): boolean {
    const state = this.realtime.state();
    return state === 'live' || state === 'polling';
  }

  private async fetch(): Promise<void> {
    this.arrivedDuringFetch = [];
    // Events from here on reach the store (and are replayed onto the snapshot below).
    const covered = this.streamUp();
    try {
      const list = await this.api.get<McpServerList>('/mcp/servers');
      const arrived = this.arrivedDuringFetch;
      this.arrivedDuringFetch = null;
      this.rows.set(mergeSnapshot(this.rows(), list.items));
      this.streamCovered = covered;
      this.errorSignal.set(null);
      this.loadedSignal.set(true);
      this.refreshedAt.set(Date.now());
      // The snapshot may predate some of them; replaying the stream's order converges.
      for (const event of arrived) this.applyEvent(event);
    } catch (error) {
      this.arrivedDuringFetch = null;
      this.errorSignal.set(toApiError(error));
    }
  }

  /** Sign-out: forget everything. */
  reset(): void {
    this.streamCovered = false;
    this.rows.set(new Map());
    this.loadedSignal.set(false);
    this.errorSignal.set(null);
  }
}
