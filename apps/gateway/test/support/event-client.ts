import type { EventEnvelope } from '@omni2/contracts';
import { io, type Socket } from 'socket.io-client';
import { pollUntil } from './poll';

export interface Received {
  name: string;
  payload: any;
  at: number;
}

export interface EventClient {
  socket: Socket;
  received: Received[];
  /** Envelopes received (event types only), in arrival order. */
  events(): EventEnvelope[];
  waitFor(what: string, done: (all: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** A Socket.IO client of the `/events` namespace that records everything it receives. */
export async function connectEvents(
  baseUrl: string,
  auth: Record<string, unknown>,
): Promise<EventClient> {
  const socket = io(`${baseUrl}/events`, { auth, transports: ['websocket'], reconnection: false });
  const received: Received[] = [];
  socket.onAny((name: string, payload: unknown) =>
    received.push({ name, payload, at: Date.now() }),
  );
  await new Promise<void>((done, fail) => {
    socket.once('connect', () => done());
    socket.once('connect_error', (error) => fail(error));
  });
  const meta = new Set(['subscribed', 'replay_gap', 'session_expired']);
  return {
    socket,
    received,
    events: () => received.filter((r) => !meta.has(r.name)).map((r) => r.payload as EventEnvelope),
    waitFor: async (what, done, timeoutMs = 10_000) => {
      await pollUntil(
        () => received,
        (all) => done(all),
        { timeoutMs, what },
      );
    },
    close: () => socket.close(),
  };
}

/** The handshake error a refused client sees. */
export function refusedHandshake(
  baseUrl: string,
  auth: Record<string, unknown>,
): Promise<{ message: string; data: any }> {
  const socket = io(`${baseUrl}/events`, { auth, transports: ['websocket'], reconnection: false });
  return new Promise((done, fail) => {
    socket.once('connect', () => {
      socket.close();
      fail(new Error('handshake was accepted'));
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      done({ message: error.message, data: error.data });
    });
  });
}
