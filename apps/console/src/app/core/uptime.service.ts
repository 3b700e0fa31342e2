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
/** Answers that arrive within this long of each other reach the signal (and the view) together. */
const FLUSH_MS = 50;

type IdleWindow = typeof globalThis & {
  requestIdleCallback?: (cb: () => void, options?: { timeout: number }) => number;
};

/** After the current task and the frame it renders: the page paints before any request starts. */
function afterRender(run: () => void): void {
  const idle = (globalThis as IdleWindow).requestIdleCallback;
  if (idle) idle(run, { timeout: 300 });
  else setTimeout(run, 0);
}

/**
 * Uptime per server and window (`GET /mcp/servers/:id/uptime?window=`). The server list asks only
 * for the rows on screen, so 1,000 servers cost a handful of requests, not a thousand. Requests
 * start once the page that asked has rendered (not inside its first render), and answers are
 * written in batches, so a screenful of rows re-renders a few times rather than once per row.
 */
@Injectable({ providedIn: 'root' })
export class UptimeService {
  private readonly api = inject(Api);
  private readonly entries = signal<ReadonlyMap<string, UptimeEntry>>(new Map());
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private pumpScheduled = false;
  private readonly pending = new Map<string, UptimeEntry>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

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
    if (this.queue.length > 0 && !this.pumpScheduled) {
      this.pumpScheduled = true;
      afterRender(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Fetches one window now (detail page), bypassing the queue. */
  async load(id: string, window: UptimeWindow): Promise<void> {
    await this.fetch(`${id}|${window}`);
    this.flush();
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
    this.pending.set(key, entry);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.size === 0) return;
    const next = new Map(this.entries());
    for (const [key, entry] of this.pending) next.set(key, entry);
    this.pending.clear();
    this.entries.set(next);
  }
}
