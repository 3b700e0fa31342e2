import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FakeClock } from '../../test/support/fake-clock';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { testCodec } from '../../test/support/secrets';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver';
import { ReplicaIdentity } from '../common/replica-identity';
import { Metrics } from '../metrics/metrics';
import { MAX_ATTEMPTS, OutboxSender, retryDelayMs } from './outbox-sender';

/**
 * The sender against PostgreSQL and a real receiver that always answers 500. The clock is fake,
 * so eight attempts over about forty minutes of backoff are steps, not waits.
 */
describe('OutboxSender retries, then gives up with the reason', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let receiver: WebhookReceiver;
  const clock = new FakeClock(Date.parse('2026-12-05T10:00:00Z'));
  const metrics = new Metrics();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    receiver = await startWebhookReceiver('secret-of-the-receiver-0123');
    receiver.answer = () => 500;
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    await receiver?.stop();
  });

  it(`makes ${MAX_ATTEMPTS} attempts on the backoff schedule, then marks it failed`, async () => {
    const codec = testCodec();
    const [channel] = await ds.query<{ id: string }[]>(
      `INSERT INTO omni2.alert_channels (name, kind, config) VALUES ('down', 'webhook', $1) RETURNING id`,
      [codec.seal({ url: receiver.url, secret: 'secret-of-the-receiver-0123' }, 'alert_config')],
    );
    const id = randomUUID();
    await ds.query(
      `INSERT INTO omni2.alert_outbox (id, channel_id, event, kind, notification, next_attempt_at)
       VALUES ($1, $2, 'critical_alert', 'alert', $3, $4)`,
      [
        id,
        channel.id,
        { delivery_id: id, kind: 'alert', event: 'critical_alert', title: 't', text: 'x' },
        new Date(clock.t),
      ],
    );
    const sender = new OutboxSender(ds, codec, clock, new ReplicaIdentity(), metrics);
    const row = async () =>
      (
        await ds.query<
          { status: string; attempts: number; next_attempt_at: Date; last_error: string }[]
        >(
          `SELECT status, attempts, next_attempt_at, last_error FROM omni2.alert_outbox WHERE id = $1`,
          [id],
        )
      )[0];

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Not yet due: nothing is sent.
      if (attempt > 1) {
        clock.t += retryDelayMs(attempt - 1) - 1;
        expect(await sender.drain()).toBe(0);
        clock.t += 1;
      }
      expect(await sender.drain()).toBe(1);
      const r = await row();
      expect(r.attempts).toBe(attempt);
      expect(r.status).toBe(attempt < MAX_ATTEMPTS ? 'pending' : 'failed');
      expect(r.last_error).toContain('500');
    }
    expect(receiver.seen.filter((d) => d.id === id)).toHaveLength(MAX_ATTEMPTS);
    clock.t += 24 * 3_600_000;
    expect(await sender.drain()).toBe(0);
    const failed = await metrics.registry.getSingleMetricAsString(
      'omni2_notifications_failed_total',
    );
    expect(failed).toContain('kind="webhook"} 1');
  });
});
