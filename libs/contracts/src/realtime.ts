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

/**
 * The replica is shutting down (a rolling update, a scale-down). The connection is closed right
 * after as a transport close, so Socket.IO clients reconnect on their own with their backoff and
 * land on another replica; pass the last id seen as `since` to miss nothing.
 */
export interface ServerShutdownMessage {
  reason: string;
  /** Always true: the service goes on elsewhere. */
  reconnect: true;
}

/** Every event type is emitted under its own name with the envelope as payload. */
export type ServerToClientEvents = {
  [K in EventType]: (event: EventEnvelope<K>) => void;
} & {
  subscribed: (message: SubscribedMessage) => void;
  replay_gap: (message: ReplayGapMessage) => void;
  session_expired: (message: SessionExpiredMessage) => void;
  server_shutdown: (message: ServerShutdownMessage) => void;
};

/** `GET /api/v1/events?after=ID&limit=N`: the polling fallback. */
export interface EventPage {
  items: EventEnvelope[];
  /** The id to pass as `after` next time. */
  last_id: string | null;
  /** True when `after` was older than the oldest event kept: refetch a snapshot. */
  gap: boolean;
}

const EVENT_ID = /^(\d+)-(\d+)$/;

/**
 * Orders event ids, which are Redis stream ids (`<ms>-<seq>`; the in-process stream makes the
 * same shape): negative, zero or positive as `a` is before, equal to or after `b`. BigInt, since
 * a sequence number may pass 2^53. Other shapes fall back to string order, so a client handed
 * something unexpected still sorts instead of throwing.
 */
export function compareEventIds(a: string, b: string): number {
  const pa = EVENT_ID.exec(a);
  const pb = EVENT_ID.exec(b);
  if (!pa || !pb) return order(a, b);
  return order(BigInt(pa[1]), BigInt(pb[1])) || order(BigInt(pa[2]), BigInt(pb[2]));
}

function order<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
