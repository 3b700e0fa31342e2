import { Injectable, inject, signal } from '@angular/core';
import { HEALTH_LOG_EVENT_TYPES, type HealthLogEntry, type HealthLogPage } from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';
import { Realtime } from './realtime.service';

const CHART_CHECKS = 200;
const PAGE = 50;
const TRANSITIONS = HEALTH_LOG_EVENT_TYPES.filter((t) => t !== 'health_check').join(',');

/**
 * The health log of the server on the detail page: the last checks (for the chart) and the event
 * log (transitions, optionally every check), newest first, paged by cursor. Refreshed silently
 * when an event for that server arrives; older pages already loaded are kept.
 */
@Injectable({ providedIn: 'root' })
export class HealthLogs {
  private readonly api = inject(Api);
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  readonly serverId = signal<string | null>(null);
  readonly checks = signal<readonly HealthLogEntry[]>([]);
  readonly events = signal<readonly HealthLogEntry[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly includeChecks = signal(false);
  readonly loaded = signal(false);
  readonly loadingOlder = signal(false);
  readonly error = signal<ApiError | null>(null);

  constructor() {
    inject(Realtime).onEvent((event) => {
      if (event.server_id === null || event.server_id !== this.serverId()) return;
      this.refreshTimer ??= setTimeout(() => {
        this.refreshTimer = null;
        void this.refresh();
      }, 800);
    });
  }

  async open(id: string): Promise<void> {
    if (this.serverId() !== id) {
      this.serverId.set(id);
      this.checks.set([]);
      this.events.set([]);
      this.nextCursor.set(null);
      this.loaded.set(false);
    }
    await this.refresh();
  }

  close(): void {
    this.serverId.set(null);
  }

  setIncludeChecks(value: boolean): void {
    this.includeChecks.set(value);
    this.events.set([]);
    this.nextCursor.set(null);
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const id = this.serverId();
    if (!id) return;
    try {
      const [checks, events] = await Promise.all([
        this.page(id, { event_type: 'health_check', limit: CHART_CHECKS }),
        this.page(id, this.eventQuery()),
      ]);
      if (this.serverId() !== id) return;
      this.checks.set(checks.items);
      // Keep older pages already loaded below the fresh first page.
      const fresh = events.items;
      const oldestFresh = fresh[fresh.length - 1];
      const kept = oldestFresh
        ? this.events().filter((e) => Date.parse(e.created_at) < Date.parse(oldestFresh.created_at))
        : [];
      const hadOlder = this.events().length > fresh.length;
      this.events.set([...fresh, ...(hadOlder ? kept : [])]);
      if (!hadOlder) this.nextCursor.set(events.next_cursor);
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      this.error.set(toApiError(error));
    }
  }

  async loadOlder(): Promise<void> {
    const id = this.serverId();
    const cursor = this.nextCursor();
    if (!id || !cursor) return;
    this.loadingOlder.set(true);
    try {
      const older = await this.page(id, { ...this.eventQuery(), before: cursor });
      this.events.update((list) => [...list, ...older.items]);
      this.nextCursor.set(older.next_cursor);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.loadingOlder.set(false);
    }
  }

  private eventQuery(): Record<string, string | number> {
    return this.includeChecks() ? { limit: PAGE } : { event_type: TRANSITIONS, limit: PAGE };
  }

  private page(id: string, query: Record<string, string | number>): Promise<HealthLogPage> {
    return this.api.get<HealthLogPage>(`/mcp/servers/${id}/health-logs`, query);
  }
}
