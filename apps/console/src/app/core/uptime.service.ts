import { Injectable, inject, signal } from '@angular/core';
import type { UptimeView, UptimeWindow } from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';

export interface UptimeEntry {
  view: UptimeView | null;
  error: ApiError | null;
  fetchedAt: number;
}

const FRESH_MS = 60_000;
const CONCURRENCY = 4;

/**
 * Uptime per server and window (`GET /mcp/servers/:id/uptime?window=`). The server list asks only
 * for the rows on screen, so 1,000 servers cost a handful of requests, not a thousand.
 */
@Injectable({ providedIn: 'root' })
export class UptimeService {
  private readonly api = inject(Api);
  private readonly entries = signal<ReadonlyMap<string, UptimeEntry>>(new Map());
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;

  entry(id: string, window: UptimeWindow = '24h'): UptimeEntry | undefined {
    return this.entries().get(`${id}|${window}`);
  }

  /** Asks for the uptime of these servers; the most recent asks are served first. */
  want(ids: readonly string[], window: UptimeWindow = '24h'): void {
    const now = Date.now();
    for (const id of ids) {
      const key = `${id}|${window}`;
      const known = this.entries().get(key);
      if ((known && now - known.fetchedAt < FRESH_MS) || this.queued.has(key)) continue;
      this.queued.add(key);
      this.queue.unshift(key);
    }
    this.pump();
  }

  /** Fetches one window now (detail page), bypassing the queue. */
  async load(id: string, window: UptimeWindow): Promise<void> {
    await this.fetch(`${id}|${window}`);
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.running++;
      void this.fetch(key).finally(() => {
        this.queued.delete(key);
        this.running--;
        this.pump();
      });
    }
  }

  private async fetch(key: string): Promise<void> {
    const [id, window] = key.split('|') as [string, UptimeWindow];
    let entry: UptimeEntry;
    try {
      const view = await this.api.get<UptimeView>(`/mcp/servers/${id}/uptime`, { window });
      entry = { view, error: null, fetchedAt: Date.now() };
    } catch (error) {
      entry = { view: null, error: toApiError(error), fetchedAt: Date.now() };
    }
    this.entries.update((m) => new Map(m).set(key, entry));
  }
}
