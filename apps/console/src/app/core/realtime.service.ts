import { Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import {
  EVENT_TYPES,
  EVENTS_NAMESPACE,
  compareEventIds,
  type ClientToServerEvents,
  type EventEnvelope,
  type EventPage,
  type ServerToClientEvents,
} from '@omni2/contracts';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { Api } from './api';
import { toApiError } from './api-error';
import { Session } from './session.service';

export type EventSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketFactory = (
  namespace: string,
  options: Partial<ManagerOptions & SocketOptions>,
) => EventSocket;

/** How sockets are made; tests pass a fake. */
export const SOCKET_FACTORY = new InjectionToken<SocketFactory>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (namespace, options) => io(namespace, options),
});

/** Timings of the fallback; tests shorten them. */
export const REALTIME_TIMINGS = new InjectionToken<RealtimeTimings>('REALTIME_TIMINGS', {
  providedIn: 'root',
  factory: () => ({
    pollFirstMs: 1500,
    pollEveryMs: 3000,
    pollMaxMs: 30_000,
    reconnectMinMs: 500,
    reconnectMaxMs: 10_000,
  }),
});

export interface RealtimeTimings {
  /** Wait after the socket drops before the first poll (a quick reconnect makes it moot). */
  pollFirstMs: number;
  pollEveryMs: number;
  /** Poll interval ceiling while the events endpoint keeps failing. */
  pollMaxMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/**
 * stopped: not started (signed out). connecting: first attempt. live: socket up and subscribed.
 * polling: socket down, events fetched over HTTP. offline: socket down and polling failing.
 */
export type ConnectionState = 'stopped' | 'connecting' | 'live' | 'polling' | 'offline';

export type EventListener = (event: EventEnvelope) => void;

const RECENT = 100;
const SEEN = 2000;

/**
 * The one wrapper around the Socket.IO event feed (contracts/realtime.ts). Exposes the
 * connection state and the latest events as signals; data services register listeners to patch
 * their rows in place. Reconnects with backoff and resumes from the last id seen; while the
 * socket is down it polls `GET /events?after=ID`; a gap in either path asks for a snapshot.
 */
@Injectable({ providedIn: 'root' })
export class Realtime {
  private readonly api = inject(Api);
  private readonly session = inject(Session);
  private readonly makeSocket = inject(SOCKET_FACTORY);
  private readonly timings = inject(REALTIME_TIMINGS);

  private socket: EventSocket | null = null;
  private readonly listeners = new Set<EventListener>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly seen = new Set<string>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private pollDelay = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectDelay = 0;
  private polling = false;

  private readonly stateSignal = signal<ConnectionState>('stopped');
  private readonly recentSignal = signal<readonly EventEnvelope[]>([]);
  private readonly lastIdSignal = signal<string | null>(null);
  private readonly downSinceSignal = signal<number | null>(null);
  private readonly lastErrorSignal = signal<string | null>(null);

  readonly state = this.stateSignal.asReadonly();
  /** Newest first, at most 100. */
  readonly recent = this.recentSignal.asReadonly();
  readonly lastId = this.lastIdSignal.asReadonly();
  /** When the socket went down (ms), null while live. */
  readonly downSince = this.downSinceSignal.asReadonly();
  /** Why the socket is down, for the indicator's tooltip. */
  readonly lastError = this.lastErrorSignal.asReadonly();
  readonly live = computed(() => this.stateSignal() === 'live');
  /** When this client started listening: older events are history, not news. */
  startedAt = Date.now();

  /** Called for every new event, in order, exactly once per id. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when events were missed (replay gap): refetch a snapshot. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  start(): void {
    if (this.socket) return;
    this.startedAt = Date.now();
    this.stateSignal.set('connecting');
    const socket = this.makeSocket(EVENTS_NAMESPACE, {
      // A function, so every reconnect sends the current token.
      auth: (cb: (data: object) => void) => cb({ token: this.session.token() ?? '' }),
      reconnection: true,
      reconnectionDelay: this.timings.reconnectMinMs,
      reconnectionDelayMax: this.timings.reconnectMaxMs,
      randomizationFactor: 0.5,
      timeout: 10_000,
      autoConnect: false,
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.reconnectDelay = 0;
      this.lastErrorSignal.set(null);
      socket.emit('subscribe', { since: this.lastIdSignal() });
    });
    socket.on('subscribed', (message) => {
      this.stopPolling();
      this.downSinceSignal.set(null);
      this.stateSignal.set('live');
      if (message.last_id && !this.lastIdSignal()) this.lastIdSignal.set(message.last_id);
    });
    socket.on('replay_gap', () => this.resync());
    socket.on('session_expired', () => this.session.end('SESSION_EXPIRED'));
    socket.on('disconnect', (reason) => {
      this.lastErrorSignal.set(`disconnected: ${reason}`);
      this.wentDown();
      // The server closed the socket on purpose: socket.io will not retry by itself.
      if (reason === 'io server disconnect') this.scheduleReconnect();
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const code = (error.data as { code?: unknown } | undefined)?.code;
      if (code === 'SESSION_EXPIRED' || code === 'UNAUTHENTICATED') {
        this.session.end(code);
        return;
      }
      this.lastErrorSignal.set(error.message);
      this.wentDown();
      // A handshake refused by the server's middleware is not retried automatically.
      if (!socket.active) this.scheduleReconnect();
    });
    for (const type of EVENT_TYPES) {
      socket.on(type, (event: EventEnvelope) => this.accept(event));
    }
    socket.connect();
  }

  stop(): void {
    this.stopPolling();
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.stateSignal.set('stopped');
    this.downSinceSignal.set(null);
    // The next session starts from its own snapshot, not from where this one stopped.
    this.lastIdSignal.set(null);
    this.recentSignal.set([]);
    this.seen.clear();
  }

  /** Feeds one event through dedupe, ordering and the listeners (socket and polling share it). */
  accept(event: EventEnvelope): void {
    if (this.seen.has(event.id)) return;
    const last = this.lastIdSignal();
    if (last !== null && compareEventIds(event.id, last) <= 0) return;
    this.seen.add(event.id);
    if (this.seen.size > SEEN) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.lastIdSignal.set(event.id);
    this.recentSignal.update((list) => [event, ...list].slice(0, RECENT));
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('event listener failed', error);
      }
    }
  }

  /**
   * Shows past events (the dashboard's first paint) without feeding them to listeners: they are
   * history, already reflected in any snapshot.
   */
  seedHistory(events: readonly EventEnvelope[]): void {
    const known = new Set(this.recentSignal().map((e) => e.id));
    const older = events.filter((e) => !known.has(e.id));
    if (older.length === 0) return;
    const merged = [...this.recentSignal(), ...older].sort((a, b) => compareEventIds(b.id, a.id));
    this.recentSignal.set(merged.slice(0, RECENT));
  }

  private resync(): void {
    for (const listener of this.resyncListeners) listener();
  }

  private wentDown(): void {
    if (this.downSinceSignal() === null) this.downSinceSignal.set(Date.now());
    if (this.stateSignal() === 'live' || this.stateSignal() === 'connecting') {
      this.stateSignal.set(this.polling ? 'polling' : 'offline');
    }
    this.startPolling();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null || !this.socket) return;
    this.reconnectDelay = Math.min(
      this.timings.reconnectMaxMs,
      Math.max(this.timings.reconnectMinMs, this.reconnectDelay * 2),
    );
    const jitter = this.reconnectDelay * (0.75 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.socket && !this.socket.connected) this.socket.connect();
    }, jitter);
  }

  private startPolling(): void {
    if (this.pollTimer !== null || this.socket === null) return;
    this.pollDelay = this.timings.pollEveryMs;
    this.pollTimer = setTimeout(() => void this.poll(), this.timings.pollFirstMs);
  }

  private stopPolling(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.polling = false;
  }

  private async poll(): Promise<void> {
    this.pollTimer = null;
    if (this.socket === null || this.stateSignal() === 'live') return;
    try {
      const after = this.lastIdSignal();
      const page = await this.api.get<EventPage>('/events', after ? { after } : {});
      if (this.stateSignal() === 'live' || this.socket === null) return;
      this.polling = true;
      this.stateSignal.set('polling');
      this.pollDelay = this.timings.pollEveryMs;
      if (after === null) {
        // No id yet: the newest events are history the snapshot already reflects. Show them,
        // remember where the stream is, and apply only what comes after.
        this.seedHistory(page.items);
        this.lastIdSignal.set(page.last_id);
      } else {
        if (page.gap) this.resync();
        for (const event of page.items) this.accept(event);
      }
    } catch (error) {
      if (this.socket === null || this.stateSignal() === 'live') return;
      this.polling = false;
      this.stateSignal.set('offline');
      this.lastErrorSignal.set(`polling failed: ${toApiError(error).message}`);
      this.pollDelay = Math.min(this.timings.pollMaxMs, this.pollDelay * 2);
    }
    if (this.socket !== null && this.stateSignal() !== 'live') {
      this.pollTimer = setTimeout(() => void this.poll(), this.pollDelay);
    }
  }
}
