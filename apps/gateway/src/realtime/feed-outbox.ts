import type { EventEnvelope, EventType } from '@omni2/contracts';

/** Only the newest of these per server matters: older ones may be skipped under the limit. */
const COALESCED: ReadonlySet<EventType> = new Set([
  'mcp_health_check',
  'recovery_progress',
  'capabilities_changed',
]);

export interface OutboxDeps {
  /** Messages per second, also the burst size. */
  perSecond: number;
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  later(ms: number, fn: () => void): () => void;
  send(event: EventEnvelope): void;
}

/**
 * One user's live feed under the rate limit (SPEC §4: at most N messages/s per user, coalesce,
 * never drop a status change). Events that matter one by one (status and circuit changes,
 * auto-disable, alerts, config changes) are queued and sent in order, never dropped. Coalesced
 * kinds keep only the newest per server and go out with what budget is left; when an ordered
 * event for a server is queued, that server's pending coalesced events are sent just before it,
 * so a client never applies an older check over a newer status.
 */
export class FeedOutbox {
  private tokens: number;
  private refilledAt: number;
  private readonly ordered: EventEnvelope[] = [];
  private readonly newest = new Map<string, EventEnvelope>();
  private cancel: (() => void) | null = null;

  constructor(private readonly deps: OutboxDeps) {
    this.tokens = deps.perSecond;
    this.refilledAt = deps.now();
  }

  get backlog(): number {
    return this.ordered.length + this.newest.size;
  }

  offer(event: EventEnvelope): void {
    if (COALESCED.has(event.type) && event.server_id !== null) {
      const key = `${event.type}:${event.server_id}`;
      this.newest.delete(key); // re-inserted last: the map stays in order of recency
      this.newest.set(key, event);
    } else {
      if (event.server_id !== null) this.promote(event.server_id);
      this.ordered.push(event);
    }
    this.drain();
  }

  close(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private promote(serverId: string): void {
    for (const [key, pending] of this.newest) {
      if (pending.server_id === serverId) {
        this.newest.delete(key);
        this.ordered.push(pending);
      }
    }
  }

  private drain(): void {
    this.refill();
    while (this.tokens >= 1 && this.backlog > 0) {
      const next = this.ordered.shift() ?? this.takeOldestCoalesced();
      this.tokens -= 1;
      this.deps.send(next);
    }
    if (this.backlog > 0 && this.cancel === null) {
      const wait = Math.ceil(((1 - this.tokens) / this.deps.perSecond) * 1_000);
      this.cancel = this.deps.later(Math.max(1, wait), () => {
        this.cancel = null;
        this.drain();
      });
    }
  }

  private takeOldestCoalesced(): EventEnvelope {
    const [key, event] = this.newest.entries().next().value as [string, EventEnvelope];
    this.newest.delete(key);
    return event;
  }

  private refill(): void {
    const now = this.deps.now();
    const per = this.deps.perSecond;
    this.tokens = Math.min(per, this.tokens + ((now - this.refilledAt) / 1_000) * per);
    this.refilledAt = now;
  }
}
