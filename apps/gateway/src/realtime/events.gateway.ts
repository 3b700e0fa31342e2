import { type BeforeApplicationShutdown, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import {
  EVENTS_NAMESPACE,
  compareEventIds,
  type ClientToServerEvents,
  type EventEnvelope,
  type Role,
  type ServerToClientEvents,
  type SubscribedMessage,
} from '@omni2/contracts';
import type { Namespace, Socket } from 'socket.io';
import { Authenticator } from '../auth/authenticator';
import { bearerOf, type Principal } from '../common/principal';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { EventStream } from '../events/event-stream';
import { STREAM_ID } from '../events/stream-id';
import { eventFor } from './event-audience';
import { FeedOutbox } from './feed-outbox';

/** SPEC §4: at most this many messages per second per user. */
export const MESSAGES_PER_SECOND = 10;
/** Credentials are re-checked this often, so a revoked key or disabled user is cut off. */
const REVALIDATE_MS = 30_000;
const REPLAY_PAGE = 1_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

type FeedSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

interface Connection {
  socket: FeedSocket;
  principal: Principal;
  token: string;
  /** Events at or before this id were replayed: not sent again live. */
  floor: string | null;
  /** While a replay runs, live events wait here. */
  held: EventEnvelope[] | null;
  expiry: NodeJS.Timeout | null;
}

interface UserFeed {
  role: Role;
  outbox: FeedOutbox;
  connections: Map<string, Connection>;
}

/**
 * The live event feed (SPEC §4): Socket.IO namespace `/events`. The handshake must carry a valid
 * token (`auth: { token }` or an Authorization header); each user's sockets share one rate-
 * limited outbox and get events shaped for their role; `subscribe { since }` replays what the
 * client missed, then joins the live feed without a gap or a duplicate at the seam.
 */
@WebSocketGateway({ namespace: EVENTS_NAMESPACE })
export class EventsGateway
  implements
    OnGatewayInit<Namespace>,
    OnGatewayConnection,
    OnGatewayDisconnect,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  private readonly log = new Logger('broadcaster');
  private readonly feeds = new Map<string, UserFeed>();
  private readonly connections = new Map<string, Connection>();
  private unsubscribe: () => void = () => undefined;
  private revalidation: NodeJS.Timeout | null = null;

  constructor(
    private readonly stream: EventStream,
    private readonly authenticator: Authenticator,
    private readonly clock: Clock,
  ) {}

  /** Sockets connected to this replica. */
  get connected(): number {
    return this.connections.size;
  }

  afterInit(nsp: Namespace): void {
    nsp.use((socket, next) => {
      const token = tokenOf(socket);
      this.authenticator.authenticate(token).then(
        (principal) => {
          socket.data = { principal, token };
          next();
        },
        (error: unknown) => next(refusal(error)),
      );
    });
    this.unsubscribe = this.stream.subscribe((event) => this.deliver(event));
    this.revalidation = setInterval(() => void this.revalidate(), REVALIDATE_MS);
    this.revalidation.unref();
  }

  handleConnection(socket: FeedSocket): void {
    const { principal, token } = socket.data as { principal: Principal; token: string };
    const connection: Connection = {
      socket,
      principal,
      token,
      floor: null,
      held: null,
      expiry: null,
    };
    this.connections.set(socket.id, connection);
    this.feedOf(principal).connections.set(socket.id, connection);
    if (principal.expiresAt !== null) {
      const ms = Math.min(MAX_TIMER_MS, Math.max(0, principal.expiresAt - this.clock.now()));
      connection.expiry = setTimeout(() => this.end(connection, 'the access token expired'), ms);
    }
  }

  handleDisconnect(socket: FeedSocket): void {
    const connection = this.connections.get(socket.id);
    if (!connection) return;
    this.connections.delete(socket.id);
    if (connection.expiry) clearTimeout(connection.expiry);
    const feed = this.feeds.get(connection.principal.id);
    feed?.connections.delete(socket.id);
    if (feed && feed.connections.size === 0) {
      feed.outbox.close();
      this.feeds.delete(connection.principal.id);
    }
  }

  @SubscribeMessage('subscribe')
  async onSubscribe(
    @ConnectedSocket() socket: FeedSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribedMessage | { error: string }> {
    const connection = this.connections.get(socket.id);
    if (!connection) return { error: 'not connected' };
    const since = sinceOf(body);
    if (since === undefined)
      return { error: 'since: must be an event id like 1700000000000-0, or null' };
    if (since === null) return this.subscribed(connection, 0, null);
    connection.held ??= [];
    let after = since;
    let replayed = 0;
    try {
      for (;;) {
        const page = await this.stream.read(after, REPLAY_PAGE);
        if (page.gap) {
          socket.emit('replay_gap', { since, oldest_available: page.oldest });
          break;
        }
        for (const event of page.items) {
          emit(socket, eventFor(connection.principal.role, event));
          after = event.id;
          replayed++;
        }
        if (page.items.length < REPLAY_PAGE) break;
      }
    } catch (error) {
      this.log.warn(`replay for ${connection.principal.name} failed: ${String(error)}`);
    }
    connection.floor = replayed > 0 || after !== since ? after : since;
    return this.subscribed(connection, replayed, connection.floor);
  }

  /**
   * Before the server closes: every client is told why and its transport is closed, which a
   * Socket.IO client treats as a lost connection and retries, reaching another replica.
   */
  beforeApplicationShutdown(): void {
    for (const { socket } of this.connections.values()) {
      socket.emit('server_shutdown', {
        reason: 'this omni2 replica is shutting down',
        reconnect: true,
      });
      socket.conn.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe();
    if (this.revalidation) clearInterval(this.revalidation);
    for (const feed of this.feeds.values()) feed.outbox.close();
    for (const connection of this.connections.values()) {
      if (connection.expiry) clearTimeout(connection.expiry);
    }
    return Promise.resolve();
  }

  /** The seam: what arrived live during the replay, minus what the replay already sent. */
  private subscribed(
    connection: Connection,
    replayed: number,
    lastId: string | null,
  ): SubscribedMessage {
    const held = connection.held ?? [];
    connection.held = null;
    for (const event of held) this.send(connection, event);
    const message = { replayed, last_id: lastId };
    connection.socket.emit('subscribed', message);
    return message;
  }

  private deliver(event: EventEnvelope): void {
    for (const feed of this.feeds.values()) feed.outbox.offer(eventFor(feed.role, event));
  }

  private send(connection: Connection, event: EventEnvelope): void {
    if (connection.held) {
      connection.held.push(event);
      return;
    }
    if (connection.floor !== null && compareEventIds(event.id, connection.floor) <= 0) return;
    emit(connection.socket, event);
  }

  private feedOf(principal: Principal): UserFeed {
    let feed = this.feeds.get(principal.id);
    if (!feed) {
      const connections = new Map<string, Connection>();
      feed = {
        role: principal.role,
        connections,
        outbox: new FeedOutbox({
          perSecond: MESSAGES_PER_SECOND,
          now: () => this.clock.now(),
          later: (ms, fn) => {
            const timer = setTimeout(fn, ms);
            return () => clearTimeout(timer);
          },
          send: (event) => connections.forEach((c) => this.send(c, event)),
        }),
      };
      this.feeds.set(principal.id, feed);
    }
    return feed;
  }

  /** Re-checks every socket's credential: disabled users and revoked keys lose their feed. */
  private async revalidate(): Promise<void> {
    for (const connection of [...this.connections.values()]) {
      try {
        const principal = await this.authenticator.authenticate(connection.token);
        const feed = this.feeds.get(principal.id);
        if (feed) feed.role = principal.role;
      } catch (error) {
        this.end(connection, error instanceof Error ? error.message : 'credential refused');
      }
    }
  }

  private end(connection: Connection, reason: string): void {
    connection.socket.emit('session_expired', { reason });
    connection.socket.disconnect(true);
  }
}

function tokenOf(socket: Socket): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token.length > 0) return auth.token;
  return bearerOf(socket.handshake.headers.authorization);
}

/** The handshake error the client sees in `connect_error`: the message and the error code. */
function refusal(error: unknown): Error {
  const refused = new Error(error instanceof DomainError ? error.message : 'authentication failed');
  (refused as Error & { data: unknown }).data = {
    code: error instanceof DomainError ? error.code : 'UNAUTHENTICATED',
  };
  return refused;
}

function sinceOf(body: unknown): string | null | undefined {
  const since = (body as { since?: unknown } | null | undefined)?.since;
  if (since === undefined || since === null) return null;
  return typeof since === 'string' && STREAM_ID.test(since) ? since : undefined;
}

function emit(socket: FeedSocket, event: EventEnvelope): void {
  (socket.emit as (name: string, payload: EventEnvelope) => boolean)(event.type, event);
}
