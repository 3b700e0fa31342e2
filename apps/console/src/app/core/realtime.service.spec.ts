import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { EventEnvelope } from '@omni2/contracts';
import { REALTIME_TIMINGS, Realtime, SOCKET_FACTORY, type EventSocket } from './realtime.service';
import { Session } from './session.service';
import { event, testProviders } from './testing';

/** Just enough of a socket.io client socket to drive the service from a test. */
class FakeSocket {
  handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  emitted: [string, unknown][] = [];
  connected = false;
  active = true;
  options: Record<string, unknown> = {};
  connects = 0;

  on(name: string, fn: (...args: unknown[]) => void): this {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
    return this;
  }
  emit(name: string, payload: unknown): this {
    this.emitted.push([name, payload]);
    return this;
  }
  connect(): this {
    this.connects++;
    return this;
  }
  disconnect(): this {
    this.connected = false;
    return this;
  }
  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }
  /** The server side: fire an event at the client. */
  fire(name: string, ...args: unknown[]): void {
    for (const fn of this.handlers.get(name) ?? []) fn(...args);
  }
}

describe('Realtime', () => {
  let socket: FakeSocket;
  let realtime: Realtime;
  let http: HttpTestingController;

  beforeEach(() => {
    vi.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({
      providers: testProviders(
        {
          provide: SOCKET_FACTORY,
          useValue: (_ns: string, options: Record<string, unknown>) => {
            socket.options = options;
            return socket as unknown as EventSocket;
          },
        },
        {
          provide: REALTIME_TIMINGS,
          useValue: {
            pollFirstMs: 100,
            pollEveryMs: 200,
            pollMaxMs: 1000,
            reconnectMinMs: 50,
            reconnectMaxMs: 400,
          },
        },
      ),
    });
    realtime = TestBed.inject(Realtime);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    realtime.stop();
    vi.useRealTimers();
  });

  function connect(): void {
    realtime.start();
    socket.connected = true;
    socket.fire('connect');
    socket.fire('subscribed', { replayed: 0, last_id: null });
  }

  it('sends the token in the handshake and subscribes from the last id seen', () => {
    TestBed.inject(Session).token.set('tok');
    connect();
    const auth = socket.options['auth'] as (cb: (d: object) => void) => void;
    let sent: object = {};
    auth((d) => (sent = d));
    expect(sent).toEqual({ token: 'tok' });
    expect(socket.emitted).toEqual([['subscribe', { since: null }]]);
    expect(realtime.state()).toBe('live');

    const e = event('recovery_progress', { successes: 1, required: 3 });
    socket.fire('recovery_progress', e);
    socket.fire('disconnect', 'transport close');
    expect(realtime.state()).toBe('offline');
    socket.fire('connect');
    expect(socket.emitted.at(-1)).toEqual(['subscribe', { since: e.id }]);
  });

  it('delivers each event once, in order, and keeps the newest first', () => {
    connect();
    const seen: EventEnvelope[] = [];
    realtime.onEvent((e) => seen.push(e));
    const a = event('recovery_progress', { successes: 1, required: 3 });
    const b = event('recovery_progress', { successes: 2, required: 3 });
    socket.fire('recovery_progress', a);
    socket.fire('recovery_progress', b);
    socket.fire('recovery_progress', a); // replayed duplicate
    expect(seen.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(realtime.recent().map((e) => e.id)).toEqual([b.id, a.id]);
    expect(realtime.lastId()).toBe(b.id);
  });

  it('polls GET /events?after= while the socket is down, and stops when it is back', async () => {
    connect();
    const first = event('recovery_progress', { successes: 1, required: 3 });
    socket.fire('recovery_progress', first);
    socket.fire('disconnect', 'transport close');
    await vi.advanceTimersByTimeAsync(100);
    const missed = event('recovery_progress', { successes: 2, required: 3 });
    http
      .expectOne((r) => r.url === '/api/v1/events' && r.params.get('after') === first.id)
      .flush({ items: [missed], last_id: missed.id, gap: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(realtime.state()).toBe('polling');
    expect(realtime.lastId()).toBe(missed.id);

    socket.fire('connect');
    socket.fire('subscribed', { replayed: 0, last_id: missed.id });
    expect(realtime.state()).toBe('live');
    await vi.advanceTimersByTimeAsync(1000);
    http.expectNone('/api/v1/events');
  });

  it('asks for a snapshot on a replay gap, from the socket or from polling', async () => {
    connect();
    socket.fire('recovery_progress', event('recovery_progress', { successes: 1, required: 3 }));
    let resyncs = 0;
    realtime.onResync(() => resyncs++);
    socket.fire('replay_gap', { since: '1-0', oldest_available: '5-0' });
    expect(resyncs).toBe(1);
    socket.fire('disconnect', 'transport close');
    await vi.advanceTimersByTimeAsync(100);
    http
      .expectOne((r) => r.url === '/api/v1/events')
      .flush({ items: [], last_id: null, gap: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(resyncs).toBe(2);
  });

  it('shows the newest events as history when polling starts without an id, applying none', async () => {
    connect();
    const applied: EventEnvelope[] = [];
    realtime.onEvent((e) => applied.push(e));
    socket.fire('disconnect', 'transport close');
    await vi.advanceTimersByTimeAsync(100);
    const old = event('recovery_progress', { successes: 1, required: 3 });
    http
      .expectOne((r) => r.url === '/api/v1/events' && !r.params.has('after'))
      .flush({ items: [old], last_id: old.id, gap: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(applied).toEqual([]);
    expect(realtime.recent().map((e) => e.id)).toEqual([old.id]);
    expect(realtime.lastId()).toBe(old.id);
    await vi.advanceTimersByTimeAsync(200);
    const fresh = event('recovery_progress', { successes: 2, required: 3 });
    http
      .expectOne((r) => r.url === '/api/v1/events' && r.params.get('after') === old.id)
      .flush({ items: [fresh], last_id: fresh.id, gap: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(applied.map((e) => e.id)).toEqual([fresh.id]);
  });

  it('backs off while polling fails, and reports offline', async () => {
    connect();
    socket.fire('disconnect', 'transport close');
    await vi.advanceTimersByTimeAsync(100);
    http.expectOne('/api/v1/events').flush(null, { status: 0, statusText: 'down' });
    await vi.advanceTimersByTimeAsync(0);
    expect(realtime.state()).toBe('offline');
    // next poll after 400 ms (200 doubled), not 200
    await vi.advanceTimersByTimeAsync(250);
    http.expectNone('/api/v1/events');
    await vi.advanceTimersByTimeAsync(200);
    http.expectOne('/api/v1/events').flush({ items: [], last_id: null, gap: false });
  });

  it('ends the session on session_expired and on a handshake refused for auth', () => {
    const session = TestBed.inject(Session);
    const end = vi.spyOn(session, 'end').mockImplementation(() => undefined);
    connect();
    socket.fire('session_expired', { reason: 'token expired' });
    expect(end).toHaveBeenCalledWith('SESSION_EXPIRED');
    socket.fire(
      'connect_error',
      Object.assign(new Error('unauthorized'), { data: { code: 'UNAUTHENTICATED' } }),
    );
    expect(end).toHaveBeenCalledWith('UNAUTHENTICATED');
  });

  it('reconnects by itself when the server refused the handshake for another reason', async () => {
    connect();
    const before = socket.connects;
    socket.active = false;
    socket.connected = false;
    socket.fire('connect_error', new Error('server busy'));
    expect(realtime.lastError()).toBe('server busy');
    await vi.advanceTimersByTimeAsync(100);
    expect(socket.connects).toBe(before + 1);
  });
});
