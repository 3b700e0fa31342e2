import type { EventEnvelope } from '@omni2/contracts';
import { Client } from 'pg';
import { CoordinatorService } from '../src/coordinator/coordinator.service';
import { EventStream } from '../src/events/event-stream';
import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * A stalled loop, made for real: another session holds an exclusive lock on mcp_servers, so the
 * claim query blocks the way it would on a wedged database.
 */
describe('coordinator watchdog (e2e)', () => {
  let t: TestApp;
  let locker: Client;
  const alerts: EventEnvelope[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      OMNI2_COORDINATOR: 'on',
      OMNI2_COORDINATOR_TICK_MS: '100',
      OMNI2_WATCHDOG_STALL_MS: '600',
    });
    t.app.get(EventStream).subscribe((e) => {
      if (e.type === 'critical_alert') alerts.push(e);
    });
    locker = new Client({ connectionString: t.db.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker.end();
    await t.close();
  });

  it('restarts a stalled loop, raises an alert and reports unready until it recovers', async () => {
    const coordinator = t.app.get(CoordinatorService);
    await pollUntil(
      () => coordinator.status().last_tick_at,
      (v) => v !== null,
      { what: 'first tick' },
    );

    await locker.query('BEGIN');
    await locker.query('LOCK TABLE omni2.mcp_servers IN ACCESS EXCLUSIVE MODE');
    const stalled = await pollUntil(
      () => t.api('GET', '/health/ready'),
      (r) => r.status === 503,
      { what: 'readiness to report the stall', timeoutMs: 10_000 },
    );
    expect(stalled.body.error.coordinator.status).toBe('down');
    await pollUntil(
      () => coordinator.status().restarts,
      (n) => n >= 1,
      { what: 'a restart' },
    );
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect((alerts[0].data as { reason: string }).reason).toMatch(/stalled/);

    await locker.query('ROLLBACK');
    const ready = await pollUntil(
      () => t.api('GET', '/health/ready'),
      (r) => r.status === 200,
      { what: 'readiness after the lock is released', timeoutMs: 15_000 },
    );
    expect(ready.body.info.coordinator.status).toBe('up');
  });
});
