import type { EventEnvelope, EventType } from './events';

/** Socket.IO namespace of the event feed (SPEC §4); path is the default `/socket.io`. */
export const EVENTS_NAMESPACE = '/events';

/** What a client may send. */
export interface ClientToServerEvents {
  /** Replay everything after `since` (an event id), then the live feed. No `since`: live only. */
  subscribe: (request: { since?: string | null }) => void;
}

/** Sent after a `subscribe` once the replay is complete. */
export interface SubscribedMessage {
  /** Events replayed before the live feed resumed. */
  replayed: number;
  /** The newest id the client has now seen (null when the stream is empty). */
  last_id: string | null;
}

/** The id passed to `subscribe` has been trimmed from the stream: refetch a snapshot. */
export interface ReplayGapMessage {
  since: string;
  oldest_available: string | null;
}

export interface SessionExpiredMessage {
  reason: string;
}

/** Every event type is emitted under its own name with the envelope as payload. */
export type ServerToClientEvents = {
  [K in EventType]: (event: EventEnvelope<K>) => void;
} & {
  subscribed: (message: SubscribedMessage) => void;
  replay_gap: (message: ReplayGapMessage) => void;
  session_expired: (message: SessionExpiredMessage) => void;
};

/** `GET /api/v1/events?after=ID&limit=N`: the polling fallback. */
export interface EventPage {
  items: EventEnvelope[];
  /** The id to pass as `after` next time. */
  last_id: string | null;
  /** True when `after` was older than the oldest event kept: refetch a snapshot. */
  gap: boolean;
}
