import { randomBytes } from 'node:crypto';
import {
  type AlertChannelView,
  type AlertRuleView,
  type DeliveryPage,
  type McpServerView,
  RUNTIME_DEFAULTS,
} from '@omni2/contracts';
import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startUpstream, type Upstream } from './support/upstreams';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'webhook-shared-secret-0123456789';

/**
 * SPEC §12 with a real receiver: an HTTP endpoint started here that checks every signature.
 * Two replicas on one database run checks and send the outbox; a server going down gives one
 * "down" per rule and channel, reminders at the set interval, one "recovered"; nothing is sent
 * twice; a maintenance window holds everything and keeps the breaker from auto-disabling.
 */
describe('alerts and notifications (e2e)', () => {
  let db: TestDatabase;
  let replicas: [TestApp, TestApp];
  let receiver: WebhookReceiver;
  let upstream: Upstream;
  let channel: AlertChannelView;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Replicas share events through Redis, as deployed (settings and edits reach both at once).
    const env = {
      OMNI2_COORDINATOR_TICK_MS: '100',
      OMNI2_PUBLIC_URL: 'https://omni2.example.test',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      OMNI2_REDIS_NAMESPACE: `alerts${randomBytes(4).toString('hex')}`,
    };
    const first = await startTestApp(env, { database: db });
    const t = first;
    await t.putConfig('health_check', {
      ...RUNTIME_DEFAULTS.health_check,
      interval_seconds: 1,
      unhealthy_interval_seconds: 1,
      timeout_seconds: 2,
    });
    await t.putConfig('circuit_breaker', {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      failure_threshold: 2,
      timeout_seconds: 1,
      max_timeout_seconds: 1,
      half_open_max_calls: 1,
      max_failure_cycles: 100,
      auto_disable_enabled: true,
    });
    replicas = [first, await startTestApp(env, { database: db })];
    receiver = await startWebhookReceiver(SECRET);
    upstream = await startUpstream('streamable_http');
  });

  afterAll(async () => {
    for (const r of replicas ?? []) await r?.close();
    await receiver?.stop();
    await upstream?.stop();
    await db?.drop();
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    replicas[0].api<T>(method, `/api/v1${path}`, body);
  const server = async (name: string) =>
    (await api<McpServerView>('GET', `/mcp/servers/${name}`)).body;
  const of = (name: string) => receiver.received.filter((d) => d.body.server?.name === name);

  it('keeps a channel secret, and a test send shows the receiver answer and lands in the log', async () => {
    const created = await api<AlertChannelView>('POST', '/alerts/channels', {
      name: 'ops',
      kind: 'webhook',
      config: { url: receiver.url, secret: SECRET, headers: { 'X-Team': 'platform' } },
    });
    expect(created.status).toBe(201);
    channel = created.body;
    expect(JSON.stringify(channel)).not.toContain(SECRET);
    const bad = await api('POST', '/alerts/channels', {
      name: 'bad',
      kind: 'webhook',
      config: { url: 'ftp://x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [expect.objectContaining({ field: 'config.url' })] });

    // A stored secret never follows a new destination: it must be given again.
    const moved = await api('PATCH', `/alerts/channels/${channel.id}`, {
      config: { url: 'http://127.0.0.1:9/elsewhere', secret: '***', headers: { 'X-Team': '***' } },
    });
    expect(moved.status).toBe(400);
    expect(moved.body).toMatchObject({
      errors: [
        expect.objectContaining({ field: 'config.secret' }),
        expect.objectContaining({ field: 'config.headers.X-Team' }),
      ],
    });
    const renamed = await api<AlertChannelView>('PATCH', `/alerts/channels/${channel.id}`, {
      config: { url: receiver.url, secret: '***', headers: { 'X-Team': '***' } },
    });
    expect(renamed.status).toBe(200);

    const test = await api<{ ok: boolean; status_code: number; delivery_id: string }>(
      'POST',
      `/alerts/channels/${channel.id}/test`,
    );
    expect(test.body).toMatchObject({ ok: true, status_code: 200 });
    const arrived = receiver.received.find((d) => d.id === test.body.delivery_id);
    expect(arrived).toMatchObject({ signed: true, body: { kind: 'test' } });
    const log = await api<DeliveryPage>('GET', `/alerts/deliveries?channel_id=${channel.id}`);
    expect(log.body.items[0]).toMatchObject({
      id: test.body.delivery_id,
      status: 'sent',
      last_status_code: 200,
    });
    const audit = await api<{ items: { details: unknown }[] }>(
      'GET',
      '/audit?action=alert_channel.create',
    );
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);
  });

  it('refuses a rule naming what does not exist, naming the field', async () => {
    const res = await api('POST', '/alerts/rules', {
      name: 'ghost',
      events: ['server_down'],
      channel_ids: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errors: [expect.objectContaining({ field: 'channel_ids' })] });
  });

  it('sends one down, reminders, and one recovery per rule and channel, each once across replicas', async () => {
    // A second channel on the same receiver, and a second rule: one down per rule and channel.
    const second = await api<AlertChannelView>('POST', '/alerts/channels', {
      name: 'ops-copy',
      kind: 'webhook',
      config: { url: `${receiver.url}?copy`, secret: SECRET },
    });
    expect(second.status).toBe(201);
    const rule = await api<AlertRuleView>('POST', '/alerts/rules', {
      name: 'down-and-up',
      events: ['server_down'],
      server_scope: 'pattern',
      name_pattern: 'flaky*',
      reminder_interval_seconds: 10,
      channel_ids: [channel.id, second.body.id],
    });
    expect(rule.status).toBe(201);
    const quiet = await api<AlertRuleView>('POST', '/alerts/rules', {
      name: 'down-only',
      events: ['server_down'],
      send_recovery: false,
      channel_ids: [channel.id],
    });
    expect(quiet.status).toBe(201);
    expect((await api('POST', '/mcp/servers', upstream.registration('flaky-1'))).status).toBe(201);
    await pollUntil(
      () => server('flaky-1'),
      (s) => s.health_status === 'healthy',
      { what: 'flaky-1 healthy' },
    );

    upstream.setBehaviour({ mode: 'failing' });
    await pollUntil(
      () => of('flaky-1').map((d) => d.body.kind),
      (kinds) => kinds.includes('alert'),
      { timeoutMs: 15_000, what: 'the down alert' },
    );
    await pollUntil(
      () => of('flaky-1').filter((d) => d.body.kind === 'reminder'),
      (r) => r.length >= 1,
      { timeoutMs: 25_000, what: 'a reminder' },
    );
    upstream.setBehaviour({ mode: 'healthy' });
    await pollUntil(
      () => of('flaky-1').filter((d) => d.body.kind === 'recovery'),
      (r) => r.length === 2,
      { timeoutMs: 20_000, what: 'the recovery' },
    );

    const got = of('flaky-1');
    const pairs = (kind: string) =>
      got
        .filter((d) => d.body.kind === kind)
        .map((d) => `${d.body.rule?.name} -> ${d.channel}`)
        .sort();
    expect(pairs('alert')).toEqual([
      'down-and-up -> ops',
      'down-and-up -> ops-copy',
      'down-only -> ops',
    ]);
    expect(pairs('recovery')).toEqual(['down-and-up -> ops', 'down-and-up -> ops-copy']);
    expect(got.every((d) => d.signed && d.body.event === 'server_down')).toBe(true);
    expect(new Set(got.map((d) => d.id)).size).toBe(got.length);
    // Each links to the server's page in the console, at omni2's public address.
    const flaky = await server('flaky-1');
    expect(got[0].body.url).toBe(`https://omni2.example.test/servers/${flaky.id}`);
    // Reminders came at the interval, not at every check.
    const reminders = got.filter((d) => d.body.kind === 'reminder');
    expect(reminders.every((d) => d.body.rule?.name === 'down-and-up')).toBe(true);
    const alertAt = Date.parse(got.find((d) => d.body.kind === 'alert')!.body.occurred_at);
    expect(Date.parse(reminders[0].body.occurred_at) - alertAt).toBeGreaterThanOrEqual(10_000);
  });

  it('holds every alert during a maintenance window, and does not auto-disable', async () => {
    // Two failed recovery cycles would disable it, were it not for the window.
    await replicas[0].putConfig('circuit_breaker', {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      failure_threshold: 2,
      timeout_seconds: 1,
      max_timeout_seconds: 1,
      half_open_max_calls: 1,
      max_failure_cycles: 2,
      auto_disable_enabled: true,
    });
    const now = Date.now();
    const window = await replicas[1].api('POST', '/api/v1/maintenance-windows', {
      name: 'patching',
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 3_600_000).toISOString(),
      server_scope: 'pattern',
      name_pattern: 'flaky*',
    });
    expect(window.status).toBe(201);
    expect(window.body).toMatchObject({ active: true });
    const before = of('flaky-1').length;

    upstream.setBehaviour({ mode: 'failing' });
    try {
      // Past the cycles that would auto-disable it (max_failure_cycles 2, 1 s periods).
      const s = await pollUntil(
        () => server('flaky-1'),
        (v) => v.failure_cycles >= 3,
        { timeoutMs: 25_000, what: 'three failed recovery cycles' },
      );
      expect(s.status).toBe('active');
      const held = await api<DeliveryPage>('GET', '/alerts/deliveries?status=held');
      expect(held.body.items.length).toBeGreaterThan(0);
      expect(of('flaky-1').length).toBe(before);
    } finally {
      upstream.setBehaviour({ mode: 'healthy' });
    }
  });

  it('notifies a capability change once, whichever replicas notice it', async () => {
    const rule = await api<AlertRuleView>('POST', '/alerts/rules', {
      name: 'offers',
      events: ['capabilities_changed'],
      server_scope: 'pattern',
      name_pattern: 'offers-*',
      channel_ids: [channel.id],
    });
    expect(rule.status).toBe(201);
    const other = await startUpstream('streamable_http');
    try {
      expect((await api('POST', '/mcp/servers', other.registration('offers-1'))).status).toBe(201);
      await pollUntil(
        () => server('offers-1'),
        (s) => s.health_status === 'healthy',
        { what: 'offers-1 healthy' },
      );
      // The server announces a new tool: both replicas hold a session to it and refresh.
      await other.setExtraTools(['fresh_tool']);
      await pollUntil(
        () => of('offers-1').filter((d) => d.body.event === 'capabilities_changed'),
        (got) => got.length >= 1,
        { what: 'the capabilities_changed notification' },
      );
      // Both replicas read the capabilities again (each forces a refresh); no second one comes.
      for (const r of replicas) {
        expect((await r.api('POST', '/api/v1/mcp/servers/offers-1/reload')).status).toBe(200);
      }
      await pollUntil(
        async () =>
          (await api<DeliveryPage>('GET', '/alerts/deliveries?status=pending')).body.items.length,
        (n) => n === 0,
        { what: 'the outbox drained' },
      );
      expect(of('offers-1').filter((d) => d.body.event === 'capabilities_changed')).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });
});
