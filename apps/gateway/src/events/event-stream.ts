import type { EventEnvelope, NewEvent } from '@omni2/contracts';

export interface StreamRead {
  /** Oldest first, all after the given id. */
  items: EventEnvelope[];
  /** Events after the given id may have been trimmed away: refetch a snapshot. */
  gap: boolean;
  /** Oldest id still kept (null when the stream is empty). */
  oldest: string | null;
}

/**
 * Where every state change goes (SPEC §4): appended to the stream `system:events`, replayable by
 * id, and delivered to every replica's subscribers. Redis when REDIS_URL is set, otherwise an
 * in-process ring with the same id semantics.
 */
export abstract class EventStream {
  /**
   * Appends in order. Resolves once the events are accepted: appended, or queued behind an
   * outage of the stream's store; a state change never waits for the store to come back.
   */
  abstract publish(events: NewEvent[]): Promise<void>;

  /**
   * Up to `limit` events after `after` (exclusive), oldest first; `after` null: the newest
   * `limit` events.
   */
  abstract read(after: string | null, limit: number): Promise<StreamRead>;

  /** Every event appended by any replica, in stream order, from now on. */
  abstract subscribe(listener: (event: EventEnvelope) => void): () => void;
}
