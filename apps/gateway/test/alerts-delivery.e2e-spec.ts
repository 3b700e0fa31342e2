import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertChannelView, ChannelTestResult, DeliveryPage } from '@omni2/contracts';
import { Client } from 'pg';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { pollUntil } from './support/poll';
import { startSmtp, stopSmtp, SMTP_PASSWORD } from './support/smtp-receiver';
import { startTestApp, TEST_ADMIN, testEnv, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'delivery-shared-secret-0123456789';

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** An outbox row as a state change stages it (the staging itself is alerts.e2e-spec's). */
async function stage(pg: Client, channelId: string, title: string): Promise<string> {
  const id = randomUUID();
  await pg.query(
    `INSERT INTO omni2.alert_outbox (id, channel_id, event, kind, notification)
     VALUES ($1, $2, 'critical_alert', 'alert', $3)`,
    [
      id,
      channelId,
      {
        delivery_id: id,
        kind: 'alert',
        event: 'critical_alert',
        severity: 'critical',
        title,
        text: 'staged by the test',
        server: null,
        rule: null,
        occurred_at: new Date().toISOString(),
        event_id: null,
        url: null,
      },
    ],
  );
  return id;
}

/**
 * SPEC §12 delivery with real receivers: an HTTP endpoint that fails in each way and an SMTP
 * server (smtp-server). Refused and failing receivers are retried, then marked failed with the
 * reason; the check loop keeps its pace while a receiver hangs.
 */
describe('alert delivery to real receivers (e2e)', () => {
  let t: TestApp;
  let pg: Client;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR_TICK_MS: '100' });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    receiver = await startWebhookReceiver(SECRET);
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await receiver?.stop();
  });

  const channel = async (name: string, url: string) => {
    const res = await t.api<AlertChannelView>('POST', '/api/v1/alerts/channels', {
      name,
      kind: 'webhook',
      config: { url, secret: SECRET },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const row = async (id: string) =>
    (
      await pg.query<{
        status: string;
        attempts: number;
        last_status_code: number | null;
        last_error: string | null;
      }>(
        `SELECT status, attempts, last_status_code, last_error FROM omni2.alert_outbox WHERE id = $1`,
        [id],
      )
    ).rows[0];

  it('marks a refusal (404) failed at once, with the status and the reason', async () => {
    const id = await stage(pg, await channel('gone', `${receiver.url}?gone`), 'gone');
    receiver.answer = (d) => (d.id === id ? 404 : 200);
    const done = await pollUntil(
      () => row(id),
      (r) => r.status !== 'pending',
      { what: 'the 404 recorded' },
    );
    expect(done).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 404 });
    expect(done.last_error).toContain('404');
  });

  it('retries a failing receiver (500) with backoff, then delivers with the same delivery id', async () => {
    let failures = 0;
    const id = await stage(pg, await channel('flaky', `${receiver.url}?flaky`), 'flaky');
    receiver.answer = (d) => (d.id === id && failures++ === 0 ? 500 : 200);
    const waiting = await pollUntil(
      () => row(id),
      (r) => r.attempts === 1 && r.last_status_code === 500,
      { what: 'the first attempt answered 500' },
    );
    expect(waiting.status).toBe('pending');
    const sent = await pollUntil(
      () => row(id),
      (r) => r.status === 'sent',
      { timeoutMs: 20_000, what: 'the retry delivered' },
    );
    expect(sent.attempts).toBe(2);
    const both = receiver.seen.filter((d) => d.id === id);
    expect(both).toHaveLength(2);
    expect(both.every((d) => d.signed)).toBe(true);
  });

  it('keeps a refused connection pending with the reason, and shows it in the log', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}/never`;
    const channelId = await channel('refused', closed);
    const id = await stage(pg, channelId, 'refused');
    const after = await pollUntil(
      () => row(id),
      (r) => r.last_error !== null,
      { what: 'the refused attempt recorded' },
    );
    expect(after.status).toBe('pending');
    expect(after.last_error).toMatch(/refused/);
    const log = await t.api<DeliveryPage>(
      'GET',
      `/api/v1/alerts/deliveries?channel_id=${channelId}`,
    );
    expect(log.body.items[0]).toMatchObject({ id, status: 'pending', attempts: 1 });
    expect(log.body.items[0].next_attempt_at).not.toBeNull();
  });

  it('keeps checking on schedule while a receiver hangs', async () => {
    const hangs = await stage(pg, await channel('hangs', `${receiver.url}?hangs`), 'hangs');
    receiver.answer = (d) => (d.id === hangs ? 'hold' : 200);
    await pollUntil(
      () => receiver.seen.some((d) => d.id === hangs),
      (seen) => seen,
      { what: 'the hanging delivery under way' },
    );
    await t.putConfig('health_check', {
      interval_seconds: 1,
      unhealthy_interval_seconds: 1,
      timeout_seconds: 2,
      concurrency: 10,
    });
    const created = await t.api('POST', '/api/v1/mcp/servers', {
      name: 'paced',
      protocol: 'streamable_http',
      url: 'http://127.0.0.1:9/mcp',
      timeout_seconds: 1,
    });
    expect(created.status).toBe(201);
    const checks = async () =>
      (
        await pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM omni2.mcp_health_log l JOIN omni2.mcp_servers s
             ON s.id = l.server_id WHERE s.name = 'paced' AND l.event_type = 'health_check'`,
        )
      ).rows[0].n;
    await pollUntil(checks, (n) => n >= 4, { what: 'four checks while the receiver hangs' });
    expect(receiver.received.some((d) => d.id === hangs)).toBe(false);
  });

  it('sends email through a real SMTP server', async () => {
    const smtp = await startSmtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    try {
      const created = await t.api<AlertChannelView>('POST', '/api/v1/alerts/channels', {
        name: 'mail',
        kind: 'email',
        config: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          username: 'alerts',
          password: SMTP_PASSWORD,
          from: 'omni2@example.test',
          to: ['oncall@example.test'],
        },
      });
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain(SMTP_PASSWORD);
      const test = await t.api<ChannelTestResult>(
        'POST',
        `/api/v1/alerts/channels/${created.body.id}/test`,
      );
      expect(test.body).toMatchObject({ ok: true, status_code: 250 });
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toMatchObject({ to: ['oncall@example.test'], user: 'alerts' });
      expect(smtp.mails[0].data).toContain('Test from omni2');
    } finally {
      await stopSmtp(smtp.server);
    }
  });
});

/**
 * A replica killed while it sends: its claim lapses and the other replica sends the same
 * notification, with the same delivery id, so nothing staged is lost.
 */
describe('a replica killed mid-send (e2e)', () => {
  let db: TestDatabase;
  let pg: Client;
  let receiver: WebhookReceiver;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    receiver = await startWebhookReceiver(SECRET);
  });

  afterAll(async () => {
    await Promise.all(gateways.filter((g) => g.proc.exitCode === null).map((g) => g.stop()));
    await pg?.end();
    await receiver?.stop();
    await db?.drop();
  });

  it('delivers what the killed replica was sending', async () => {
    const env = { ...testEnv(), DATABASE_URL: db.url, OMNI2_COORDINATOR_TICK_MS: '100' };
    const first = await startGatewayProcess(env);
    gateways.push(first);
    const token = await first.login(TEST_ADMIN.username, TEST_ADMIN.password);
    const created = await first.call<AlertChannelView>(token, 'POST', '/alerts/channels', {
      name: 'ops',
      kind: 'webhook',
      config: { url: receiver.url, secret: SECRET },
    });
    expect(created.status).toBe(201);
    let calls = 0;
    receiver.answer = () => (calls++ === 0 ? 'hold' : 200);
    const id = await stage(pg, created.body.id, 'in flight');
    await pollUntil(
      () => receiver.seen.length,
      (n) => n === 1,
      { what: 'the first replica sending' },
    );
    await first.kill();

    gateways.push(await startGatewayProcess(env));
    const sent = await pollUntil(
      async () =>
        (
          await pg.query<{ status: string; attempts: number }>(
            `SELECT status, attempts FROM omni2.alert_outbox WHERE id = $1`,
            [id],
          )
        ).rows[0],
      (r) => r.status === 'sent',
      { timeoutMs: 50_000, what: 'the other replica sending it once the claim lapsed' },
    );
    expect(sent.attempts).toBe(2);
    expect(receiver.seen.map((d) => d.id)).toEqual([id, id]);
    expect(receiver.received.map((d) => d.id)).toEqual([id]);
  }, 90_000);
});
