import { createHmac, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RUNTIME_DEFAULTS, type EventEnvelope, type NewEvent } from '@omni2/contracts';
import { AppEnv } from '../src/config/env.schema';
import { EventStream } from '../src/events/event-stream';
import { connectEvents, refusedHandshake, type EventClient } from './support/event-client';
import { pollUntil } from './support/poll';
import { startPrivateRedis } from './support/redis-server';
import { TEST_JWT_SECRET } from './support/secrets';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startUpstream, type Upstream } from './support/upstreams';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function forgeToken(sub: string, expiresInSeconds: number): string {
  const now = Date.now();
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub,
    iat: Math.floor(now / 1000),
    iat_ms: now,
    exp: Math.floor(now / 1000) + expiresInSeconds,
    iss: 'omni2',
    jti: 'x',
  })}`;
  return `${body}.${createHmac('sha256', TEST_JWT_SECRET).update(body).digest('base64url')}`;
}

describe('real time over Redis with two replicas (e2e)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let upstream: Upstream;
  const clients: EventClient[] = [];

  const connect = async (
    app: TestApp,
    auth: Record<string, unknown> = { token: app.adminToken },
  ) => {
    const client = await connectEvents(app.baseUrl, auth);
    clients.push(client);
    return client;
  };
  const newestId = async () =>
    ((await a.api('GET', '/api/v1/events?limit=1')).body.last_id as string | null) ?? '0-0';

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      REDIS_URL,
      OMNI2_REDIS_NAMESPACE: `t${randomBytes(4).toString('hex')}`,
      OMNI2_COORDINATOR: 'off',
    };
    a = await startTestApp(env, { database: db });
    b = await startTestApp(env, { database: db });
    upstream = await startUpstream('streamable_http');
    expect((await a.api('POST', '/api/v1/mcp/servers', upstream.registration('svc'))).status).toBe(
      201,
    );
  });

  afterEach(() => {
    while (clients.length) clients.pop()!.close();
  });

  afterAll(async () => {
    await b.close();
    await a.close();
    await upstream.stop();
    await db.drop();
  });

  it('a setting stored on replica A applies on replica B at once, not after its cache time', async () => {
    const threshold = async () =>
      (await b.api('GET', '/api/v1/config/circuit_breaker')).body.value.failure_threshold as number;
    // B has just read its settings: without the event, it would keep them for 5 s.
    const before = await threshold();
    await a.putConfig('circuit_breaker', {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      failure_threshold: before + 2,
    });
    expect(
      await pollUntil(threshold, (n) => n === before + 2, {
        what: "replica B to apply A's setting",
        timeoutMs: 2_500,
      }),
    ).toBe(before + 2);
  });

  it('a client on replica B receives, in order, what a check on replica A caused', async () => {
    const since = await newestId();
    const client = await connect(b);
    await a.api('PUT', '/api/v1/config/circuit_breaker', {
      enabled: true,
      failure_threshold: 2,
      timeout_seconds: 60,
      backoff_multiplier: 2,
      max_timeout_seconds: 600,
      half_open_max_calls: 1,
      max_failure_cycles: 3,
      auto_disable_enabled: true,
      disable_after_minutes: 30,
    });
    expect((await a.api('POST', '/api/v1/mcp/servers/svc/health-check')).body.ok).toBe(true);
    upstream.setBehaviour({ mode: 'failing' });
    await a.api('POST', '/api/v1/mcp/servers/svc/health-check');
    await a.api('POST', '/api/v1/mcp/servers/svc/health-check');
    upstream.setBehaviour({ mode: 'healthy' });

    const written = (await a.api('GET', `/api/v1/events?after=${since}`)).body
      .items as EventEnvelope[];
    expect(written.map((e) => e.type)).toEqual(
      expect.arrayContaining(['mcp_health_check', 'circuit_breaker_state', 'mcp_status_change']),
    );
    await client.waitFor(
      'every event on replica B',
      () => client.events().length >= written.length,
    );
    expect(client.events().map((e) => e.id)).toEqual(written.map((e) => e.id));
    const change = client
      .events()
      .find(
        (e) =>
          e.type === 'mcp_status_change' &&
          (e as EventEnvelope<'mcp_status_change'>).data.new_status === 'circuit_open',
      ) as EventEnvelope<'mcp_status_change'>;
    expect(change).toMatchObject({
      mcp_name: 'svc',
      data: { old_status: 'healthy', new_status: 'circuit_open', recovery_eta: expect.any(String) },
    });
    expect(Object.keys(change).sort()).toEqual([
      'data',
      'id',
      'mcp_name',
      'server_id',
      'severity',
      'timestamp',
      'type',
    ]);
    await a.api('POST', '/api/v1/mcp/servers/svc/circuit/reset');
  });

  it('replays exactly what a client missed, then goes live with no gap and no duplicate', async () => {
    const first = await connect(b);
    await a.api('PATCH', '/api/v1/mcp/servers/svc', { description: 'one' });
    await first.waitFor('the edit', () =>
      first.events().some((e) => e.type === 'mcp_config_changed'),
    );
    const lastSeen = first.events().at(-1)!.id;
    first.close();

    const missed: string[] = [];
    for (const description of ['two', 'three', 'four']) {
      await a.api('PATCH', '/api/v1/mcp/servers/svc', { description });
    }
    const after = (await a.api('GET', `/api/v1/events?after=${lastSeen}`)).body
      .items as EventEnvelope[];
    missed.push(...after.map((e) => e.id));
    expect(
      after.map((e) => (e as EventEnvelope<'mcp_config_changed'>).data.server?.description),
    ).toEqual(['two', 'three', 'four']);

    const back = await connect(b);
    back.socket.emit('subscribe', { since: lastSeen });
    await back.waitFor('subscribed', (all) => all.some((r) => r.name === 'subscribed'));
    expect(back.received.find((r) => r.name === 'subscribed')!.payload).toEqual({
      replayed: 3,
      last_id: missed[2],
    });
    expect(back.events().map((e) => e.id)).toEqual(missed);

    await a.api('PATCH', '/api/v1/mcp/servers/svc', { description: 'five' });
    await back.waitFor('the live edit', () => back.events().length === 4);
    const ids = back.events().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((back.events()[3] as EventEnvelope<'mcp_config_changed'>).data.server?.description).toBe(
      'five',
    );
  });

  it('says when the id to replay from is older than what the stream keeps', async () => {
    const client = await connect(b);
    client.socket.emit('subscribe', { since: '1-0' });
    await client.waitFor('replay_gap', (all) => all.some((r) => r.name === 'replay_gap'));
    expect(client.received.find((r) => r.name === 'replay_gap')!.payload).toEqual({
      since: '1-0',
      oldest_available: expect.stringMatching(/^\d+-\d+$/),
    });
    expect((await a.api('GET', '/api/v1/events?after=1-0')).body.gap).toBe(true);
    const bad = await a.api('GET', '/api/v1/events?after=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('after');
  });

  it('refuses handshakes without a valid token, saying why', async () => {
    const none = await refusedHandshake(b.baseUrl, {});
    expect(none.message).toMatch(/Authorization: Bearer/);
    expect(none.data).toEqual({ code: 'UNAUTHENTICATED' });
    const bogus = await refusedHandshake(b.baseUrl, { token: 'nope' });
    expect(bogus.data).toEqual({ code: 'UNAUTHENTICATED' });
    const me = (await a.api('GET', '/api/v1/auth/me')).body.id as string;
    const expired = await refusedHandshake(b.baseUrl, { token: forgeToken(me, -5) });
    expect(expired.data).toEqual({ code: 'SESSION_EXPIRED' });
    // A header works as well as the auth payload.
    const { io } = await import('socket.io-client');
    const viaHeader = io(`${b.baseUrl}/events`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${a.adminToken}` },
    });
    await new Promise<void>((done, fail) => {
      viaHeader.once('connect', () => done());
      viaHeader.once('connect_error', fail);
    });
    viaHeader.close();
  });

  it('ends the session when the token expires', async () => {
    const me = (await a.api('GET', '/api/v1/auth/me')).body.id as string;
    const client = await connect(b, { token: forgeToken(me, 2) });
    const disconnected = new Promise<string>((done) => client.socket.once('disconnect', done));
    await client.waitFor(
      'session_expired',
      (all) => all.some((r) => r.name === 'session_expired'),
      6_000,
    );
    expect(client.received.at(-1)).toMatchObject({
      name: 'session_expired',
      payload: { reason: 'the access token expired' },
    });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('shows viewers server changes without connection details', async () => {
    const viewer = await connect(b, { token: await a.tokenFor('viewer') });
    const admin = await connect(b);
    await a.api('PATCH', '/api/v1/mcp/servers/svc', { description: 'for viewers' });
    const edit = (c: EventClient) =>
      c.events().find((e) => e.type === 'mcp_config_changed') as
        EventEnvelope<'mcp_config_changed'> | undefined;
    await viewer.waitFor('edit seen by viewer', () => edit(viewer) !== undefined);
    await admin.waitFor('edit seen by admin', () => edit(admin) !== undefined);
    expect(edit(admin)!.data.server!.url).toBe(upstream.http!.url);
    expect(edit(viewer)!.data.server!.url).toBe(new URL(upstream.http!.url).origin);
    expect(edit(viewer)!.data.server!.description).toBe('for viewers');
  });

  it('holds each user to 10 messages a second, coalescing checks, never losing a status change', async () => {
    const client = await connect(b);
    const changes: NewEvent[] = Array.from({ length: 25 }, (_, i) => ({
      type: 'mcp_status_change',
      server_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      mcp_name: `s${i}`,
      severity: 'warning',
      data: {
        old_status: 'healthy',
        new_status: 'circuit_open',
        reason: 'test',
        recovery_eta: null,
      },
    }));
    const checks: NewEvent[] = Array.from({ length: 60 }, (_, i) => ({
      type: 'mcp_health_check',
      server_id: `00000000-0000-4000-9000-${String(i % 3).padStart(12, '0')}`,
      mcp_name: `c${i % 3}`,
      severity: 'info',
      data: {
        ok: true,
        response_time_ms: i,
        error: null,
        error_kind: null,
        consecutive_failures: 0,
        health_status: 'healthy',
      },
    }));
    const stream = a.app.get(EventStream);
    await stream.publish(checks.slice(0, 30));
    await stream.publish(changes);
    await stream.publish(checks.slice(30));

    const isChange = (e: EventEnvelope) => e.type === 'mcp_status_change';
    await client.waitFor(
      'every status change',
      () => client.events().filter(isChange).length === 25,
      15_000,
    );
    await client.waitFor('the newest check of each server', () =>
      [57, 58, 59].every((ms) =>
        client
          .events()
          .some(
            (e) =>
              e.type === 'mcp_health_check' &&
              (e.data as { response_time_ms: number }).response_time_ms === ms,
          ),
      ),
    );
    const got = client.received;
    expect(
      client
        .events()
        .filter(isChange)
        .map((e) => e.mcp_name),
    ).toEqual(changes.map((c) => c.mcp_name));
    const delivered = client.events().filter((e) => e.type === 'mcp_health_check').length;
    expect(delivered).toBeLessThan(60);
    // A bucket of 10 refilled at 10/s: n messages need at least (n - 10) / 10 s.
    const span = (got.at(-1)!.at - got[0].at) / 1000;
    expect(span).toBeGreaterThanOrEqual(((got.length - 10) / 10) * 0.9);
  });

  it('caches capabilities in Redis for every replica, with a 10 minute TTL', async () => {
    const namespace = (a.app.get(AppEnv).values.OMNI2_REDIS_NAMESPACE as string) ?? '';
    const fromA = await a.api('GET', '/api/v1/mcp/servers/svc/capabilities');
    expect(fromA.status).toBe(200);
    const redis = new Redis(REDIS_URL);
    try {
      const key = `${namespace}:mcp:capabilities:svc`;
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
      expect(JSON.parse((await redis.get(key))!).cached_at).toBe(fromA.body.cached_at);
    } finally {
      redis.disconnect();
    }
    const lists = () => upstream.calls().filter((c) => c.method === 'tools/list').length;
    const before = lists();
    const fromB = await b.api('GET', '/api/v1/mcp/servers/svc/capabilities');
    expect(fromB.body).toEqual(fromA.body);
    expect(lists()).toBe(before); // B answered from the shared cache, not from the server
  });

  it('survives a Redis outage: the tailer recovers and no event is lost', async () => {
    const redis = await startPrivateRedis();
    const solo = await startTestApp({ REDIS_URL: redis.url, OMNI2_COORDINATOR: 'off' });
    try {
      expect(
        (await solo.api('POST', '/api/v1/mcp/servers', upstream.registration('solo'))).status,
      ).toBe(201);
      const client = await connectEvents(solo.baseUrl, { token: solo.adminToken });
      clients.push(client);
      // Only the edits count: the creation's event may reach the tailer after the client joined.
      const edits = () =>
        client
          .events()
          .filter(
            (e) =>
              e.type === 'mcp_config_changed' &&
              (e as EventEnvelope<'mcp_config_changed'>).data.action === 'updated',
          );
      await solo.api('PATCH', '/api/v1/mcp/servers/solo', { description: 'before' });
      await client.waitFor('before', () => edits().length >= 1);

      await redis.kill();
      const ready = await pollUntil(
        () => solo.api('GET', '/health/ready'),
        (r) => r.status === 503,
        {
          what: 'readiness to report Redis down',
        },
      );
      expect(ready.body.error.redis.status).toBe('down');
      // Edits go on while Redis is down: the API answers, the events wait.
      for (const description of ['during-1', 'during-2']) {
        expect((await solo.api('PATCH', '/api/v1/mcp/servers/solo', { description })).status).toBe(
          200,
        );
      }
      await redis.restart();
      await pollUntil(
        () => solo.api('GET', '/health/ready'),
        (r) => r.status === 200,
        {
          timeoutMs: 15_000,
          what: 'readiness back',
        },
      );
      await solo.api('PATCH', '/api/v1/mcp/servers/solo', { description: 'after' });
      await client.waitFor('every edit', () => edits().length >= 4, 15_000);
      const descriptions = edits().map(
        (e) => (e as EventEnvelope<'mcp_config_changed'>).data.server?.description,
      );
      expect(descriptions).toEqual(['before', 'during-1', 'during-2', 'after']);
    } finally {
      await solo.close();
      await redis.stop();
    }
  });
});

describe('real time in embedded mode, without Redis (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('streams, replays and serves the polling fallback from the in-process stream', async () => {
    const client = await connectEvents(t.baseUrl, { token: t.adminToken });
    try {
      await t.api('POST', '/api/v1/mcp/servers', {
        name: 'x',
        protocol: 'sse',
        url: 'http://127.0.0.1:9/sse',
      });
      await t.api('PATCH', '/api/v1/mcp/servers/x', { description: 'edited' });
      await client.waitFor('two events', () => client.events().length >= 2);
      const polled = await t.api('GET', '/api/v1/events');
      expect(polled.body.items.map((e: EventEnvelope) => e.id)).toEqual(
        client.events().map((e) => e.id),
      );
      const first = client.events()[0].id;
      const after = await t.api('GET', `/api/v1/events?after=${first}`);
      expect(after.body).toEqual({
        items: [client.events()[1]],
        last_id: client.events()[1].id,
        gap: false,
      });
      client.socket.emit('subscribe', { since: first });
      await client.waitFor('replay', (all) => all.some((r) => r.name === 'subscribed'));
      expect(client.received.find((r) => r.name === 'subscribed')!.payload.replayed).toBe(1);
    } finally {
      client.close();
    }
  });
});
