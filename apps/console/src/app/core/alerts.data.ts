import { Injectable, computed, inject, signal } from '@angular/core';
import {
  scopeCovers,
  type AlertChannelView,
  type AlertRuleView,
  type ChannelTestResult,
  type DeliveryPage,
  type DeliveryStatus,
  type DeliveryView,
  type EventEnvelope,
  type MaintenanceWindowView,
} from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';
import { Clock } from './clock.service';
import { Realtime } from './realtime.service';

/** Whether an event says channels, rules or windows changed (on any replica). */
export function isAlertsChange(event: EventEnvelope): boolean {
  return (
    event.type === 'mcp_config_changed' &&
    (event as EventEnvelope<'mcp_config_changed'>).data.key === 'alerts'
  );
}

/**
 * One alerts collection (`GET|POST path`, `PATCH|DELETE path/:id`) as signals. Read again when
 * an `mcp_config_changed` event for `alerts` arrives, once it has been loaded. Mutations throw
 * ApiError for the dialogs (a 400 names its fields).
 */
abstract class AlertList<T extends { id: string; name: string }> {
  protected readonly api = inject(Api);
  protected abstract readonly path: string;
  readonly list = signal<readonly T[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<ApiError | null>(null);
  private requested = false;

  constructor() {
    inject(Realtime).onEvent((event) => {
      if (this.requested && isAlertsChange(event)) void this.load();
    });
  }

  /** Loads once; later changes arrive through the event stream. */
  ensureLoaded(): void {
    if (!this.requested) void this.load();
  }

  async load(): Promise<void> {
    this.requested = true;
    try {
      this.list.set(await this.api.get<T[]>(this.path));
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      this.error.set(toApiError(error));
    }
  }

  byId(id: string): T | undefined {
    return this.list().find((item) => item.id === id);
  }

  async create(body: Record<string, unknown>): Promise<T> {
    const item = await this.api.post<T>(this.path, body);
    this.list.update((l) => [...l.filter((x) => x.id !== item.id), item]);
    return item;
  }

  async update(id: string, body: Record<string, unknown>): Promise<T> {
    const item = await this.api.patch<T>(`${this.path}/${id}`, body);
    this.list.update((l) => l.map((x) => (x.id === id ? item : x)));
    return item;
  }

  async remove(id: string): Promise<void> {
    await this.api.delete(`${this.path}/${id}`);
    this.list.update((l) => l.filter((x) => x.id !== id));
  }

  /** Signed out: the next session loads its own. */
  reset(): void {
    this.requested = false;
    this.list.set([]);
    this.loaded.set(false);
    this.error.set(null);
  }
}

@Injectable({ providedIn: 'root' })
export class AlertChannels extends AlertList<AlertChannelView> {
  protected readonly path = '/alerts/channels';

  /** Sends a test notification now: what the receiver answered. */
  test(id: string): Promise<ChannelTestResult> {
    return this.api.post<ChannelTestResult>(`${this.path}/${id}/test`);
  }
}

@Injectable({ providedIn: 'root' })
export class AlertRules extends AlertList<AlertRuleView> {
  protected readonly path = '/alerts/rules';
}

/** A window covering a server now: its name and when the occurrence on now ends. */
export interface ActiveMaintenance {
  name: string;
  ends_at: string;
}

/** Whether an occurrence of `w` is on at `nowMs` (from the API's current-or-next occurrence). */
export function isOnNow(w: MaintenanceWindowView, nowMs: number): boolean {
  const o = w.current_or_next;
  return o !== null && Date.parse(o.starts_at) <= nowMs && nowMs < Date.parse(o.ends_at);
}

/**
 * Maintenance windows. Also what marks servers "in maintenance": loaded once by the shell and
 * kept fresh by the event stream; whether a window is on is read against the ticking clock, so
 * a marker appears and goes when the occurrence starts and ends.
 */
@Injectable({ providedIn: 'root' })
export class MaintenanceWindows extends AlertList<MaintenanceWindowView> {
  protected readonly path = '/maintenance-windows';
  private readonly clock = inject(Clock);
  /** The windows with an occurrence on now. */
  readonly onNow = computed(() => {
    const now = this.clock.now();
    return this.list().filter((w) => isOnNow(w, now));
  });

  /** The windows on now that cover `server`, soonest end first. */
  activeFor(server: { id: string; name: string }): ActiveMaintenance[] {
    return this.onNow()
      .filter((w) => scopeCovers(w, server))
      .map((w) => ({ name: w.name, ends_at: w.current_or_next!.ends_at }))
      .sort((a, b) => Date.parse(a.ends_at) - Date.parse(b.ends_at));
  }
}

export interface DeliveryFilters {
  channel_id: string;
  status: DeliveryStatus | '';
}

export const DELIVERY_PAGE_SIZE = 50;

/**
 * The delivery log (`/alerts/deliveries`), newest first, paged by cursor, filtered by channel and
 * status. An answer to an older query never replaces a newer one.
 */
@Injectable({ providedIn: 'root' })
export class Deliveries {
  private readonly api = inject(Api);
  readonly items = signal<readonly DeliveryView[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loaded = signal(false);
  readonly loading = signal(false);
  readonly error = signal<ApiError | null>(null);
  readonly filters = signal<DeliveryFilters>({ channel_id: '', status: '' });
  private generation = 0;

  load(): Promise<void> {
    return this.fetch(null);
  }

  async older(): Promise<void> {
    const cursor = this.nextCursor();
    if (cursor) await this.fetch(cursor);
  }

  setFilters(patch: Partial<DeliveryFilters>): Promise<void> {
    this.filters.update((f) => ({ ...f, ...patch }));
    return this.fetch(null);
  }

  private async fetch(before: string | null): Promise<void> {
    const generation = ++this.generation;
    this.loading.set(true);
    const f = this.filters();
    try {
      const page = await this.api.get<DeliveryPage>('/alerts/deliveries', {
        channel_id: f.channel_id,
        status: f.status,
        before,
        limit: DELIVERY_PAGE_SIZE,
      });
      if (generation !== this.generation) return;
      this.items.update((l) => (before ? [...l, ...page.items] : page.items));
      this.nextCursor.set(page.next_cursor);
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      if (generation !== this.generation) return;
      this.error.set(toApiError(error));
      if (!before) {
        this.items.set([]);
        this.nextCursor.set(null);
      }
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}
