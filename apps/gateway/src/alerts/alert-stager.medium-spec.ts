import { RUNTIME_DEFAULTS } from '@omni2/contracts';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { FakeClock } from '../../test/support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ReplicaIdentity } from '../common/replica-identity';
import { RuntimeConfigEntity } from '../config/runtime-config.entity';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { CheckRecorder } from '../health/check-recorder';
import type { ProbeOutcome } from '../health/health-probe';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { AlertCatalog } from './alert-catalog';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertStager } from './alert-stager';
import { AlertSweeper } from './alert-sweeper';
import { MaintenanceWindowEntity } from './maintenance-window.entity';

const failure: ProbeOutcome = {
  ok: false,
  errorKind: 'unreachable',
  error: 'refused',
  probe: 'none',
  sessionOpened: false,
};
const success: ProbeOutcome = { ok: true, responseTimeMs: 2, probe: 'ping', sessionOpened: false };

/**
 * Rules' own conditions, independent of the breaker (whose threshold here is 5): after N failed
 * checks, and only once failing for a duration (sent by the sweeper between checks). The clock
 * is fake, so "ten minutes later" is a step.
 */
describe('alert rules after N failures or a duration (PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let recorder: CheckRecorder;
  let sweeper: AlertSweeper;
  let catalog: AlertCatalog;
  const clock = new FakeClock(Date.parse('2026-12-05T10:00:00Z'));
  let channelId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    const config = new RuntimeConfigService(ds.getRepository(RuntimeConfigEntity), clock);
    await config.put('circuit_breaker', {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      failure_threshold: 5,
    });
    catalog = new AlertCatalog(
      ds.getRepository(AlertRuleEntity),
      ds.getRepository(MaintenanceWindowEntity),
      clock,
    );
    const stager = new AlertStager();
    recorder = new CheckRecorder(
      ds.getRepository(McpServerEntity),
      config,
      new ReplicaIdentity(),
      stager,
      catalog,
    );
    sweeper = new AlertSweeper(ds, catalog, stager, clock);
    [{ id: channelId }] = await ds.query<{ id: string }[]>(
      `INSERT INTO omni2.alert_channels (name, kind, config) VALUES ('c', 'webhook', 'x') RETURNING id`,
    );
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const server = async (name: string) =>
    (
      await ds.query<{ id: string }[]>(
        `INSERT INTO omni2.mcp_servers (name, protocol, url) VALUES ($1, 'sse', 'http://x') RETURNING id`,
        [name],
      )
    )[0].id;
  const rule = async (name: string, fields: Record<string, unknown>) => {
    await ds.query(
      `INSERT INTO omni2.alert_rules (name, events, server_scope, name_pattern, min_failures,
         min_duration_seconds, channel_ids)
       VALUES ($1, '{server_down}', 'pattern', $2, $3, $4, $5)`,
      [
        name,
        fields.pattern,
        fields.min_failures ?? null,
        fields.min_duration_seconds ?? 0,
        [channelId],
      ],
    );
    catalog.invalidate();
  };
  const check = async (id: string, outcome: ProbeOutcome) => {
    const [{ g }] = await ds.query<{ g: number }[]>(
      'SELECT circuit_generation AS g FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    await recorder.recordCheck(id, outcome, new Date(clock.t), g);
  };
  const staged = async (id: string) =>
    (
      await ds.query<{ kind: string }[]>(
        `SELECT kind FROM omni2.alert_outbox WHERE server_id = $1 ORDER BY created_at`,
        [id],
      )
    ).map((r) => r.kind);

  it('sends after two failed checks, long before the circuit opens, and the recovery', async () => {
    await rule('two-failures', { pattern: 'early-*', min_failures: 2 });
    const id = await server('early-1');
    await check(id, failure);
    expect(await staged(id)).toEqual([]);
    await check(id, failure);
    expect(await staged(id)).toEqual(['alert']);
    await check(id, failure);
    expect(await staged(id)).toEqual(['alert']);
    const [{ circuit_state }] = await ds.query<{ circuit_state: string }[]>(
      'SELECT circuit_state FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    expect(circuit_state).toBe('closed');
    await check(id, success);
    expect(await staged(id)).toEqual(['alert', 'recovery']);
  });

  it('waits for the duration, sent between checks by the sweeper, and says nothing for a blip', async () => {
    await rule('ten-minutes', { pattern: 'slow-*', min_failures: 1, min_duration_seconds: 600 });
    const id = await server('slow-1');
    await check(id, failure);
    clock.t += 599_000;
    await sweeper.sweep();
    expect(await staged(id)).toEqual([]);
    clock.t += 1_000;
    await sweeper.sweep();
    expect(await staged(id)).toEqual(['alert']);
    await sweeper.sweep();
    expect(await staged(id)).toEqual(['alert']);

    const blip = await server('slow-2');
    await check(blip, failure);
    clock.t += 60_000;
    await check(blip, success);
    clock.t += 600_000;
    await sweeper.sweep();
    expect(await staged(blip)).toEqual([]);
  });

  it('sends the recovery of a notified down that ended without a check (an operator reset)', async () => {
    await rule('reset-watch', { pattern: 'reset-*', min_failures: 1 });
    const id = await server('reset-1');
    await check(id, failure);
    expect(await staged(id)).toEqual(['alert']);
    // What an operator's circuit reset writes: counters cleared, circuit closed.
    await ds.query(
      `UPDATE omni2.mcp_servers SET consecutive_failures = 0, circuit_state = 'closed' WHERE id = $1`,
      [id],
    );
    await sweeper.sweep();
    expect(await staged(id)).toEqual(['alert', 'recovery']);
    await sweeper.sweep();
    expect(await staged(id)).toEqual(['alert', 'recovery']);
  });

  it('ends the incidents of a rule that is disabled, so a later outage is a fresh down', async () => {
    await rule('pausable', { pattern: 'pause-*', min_failures: 1 });
    const id = await server('pause-1');
    await check(id, failure);
    expect(await staged(id)).toEqual(['alert']);
    await ds.query(`UPDATE omni2.alert_rules SET enabled = false WHERE name = 'pausable'`);
    catalog.invalidate();
    await sweeper.sweep();
    const left = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM omni2.alert_incidents WHERE server_id = $1`,
      [id],
    );
    expect(left[0].n).toBe(0);
    await check(id, success);
    await ds.query(`UPDATE omni2.alert_rules SET enabled = true WHERE name = 'pausable'`);
    catalog.invalidate();
    await check(id, failure);
    expect(await staged(id)).toEqual(['alert', 'alert']);
  });

  it('never waits inside a check transaction for a second pooled connection (no pool deadlock)', async () => {
    // Two connections, eight concurrent checks, and rules and windows due for a fresh read:
    // reading them inside the transactions would leave every connection waiting for another.
    // A connection not had within 10 s fails the wait: a deadlock ends as an error, not a hang.
    const options = dataSourceOptions(db.url, 2);
    const small = await new DataSource({
      ...options,
      extra: { ...(options.extra as object), connectionTimeoutMillis: 10_000 },
    }).initialize();
    try {
      const config = new RuntimeConfigService(small.getRepository(RuntimeConfigEntity), clock);
      const fresh = new AlertCatalog(
        small.getRepository(AlertRuleEntity),
        small.getRepository(MaintenanceWindowEntity),
        clock,
      );
      const busy = new CheckRecorder(
        small.getRepository(McpServerEntity),
        config,
        new ReplicaIdentity(),
        new AlertStager(),
        fresh,
      );
      const ids = await Promise.all([...Array(8).keys()].map((i) => server(`pool-${i}`)));
      clock.t += 60_000;
      fresh.invalidate();
      await expect(
        Promise.all(ids.map((id) => busy.recordCheck(id, failure, new Date(clock.t), 0))),
      ).resolves.toHaveLength(8);
    } finally {
      await small.destroy();
    }
  });
});
