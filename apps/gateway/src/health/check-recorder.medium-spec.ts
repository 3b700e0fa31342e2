import { AlertCatalog } from '../alerts/alert-catalog';
import { AlertRuleEntity } from '../alerts/alert-rule.entity';
import { AlertStager } from '../alerts/alert-stager';
import { MaintenanceWindowEntity } from '../alerts/maintenance-window.entity';
import { RUNTIME_DEFAULTS } from '@omni2/contracts';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { Clock } from '../common/clock';
import { ReplicaIdentity } from '../common/replica-identity';
import { RuntimeConfigEntity } from '../config/runtime-config.entity';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { type CallOutcome, CheckRecorder } from './check-recorder';
import type { ProbeOutcome } from './health-probe';

const failure: ProbeOutcome = {
  ok: false,
  errorKind: 'unreachable',
  error: 'refused',
  probe: 'none',
  sessionOpened: false,
};
const callFailure: CallOutcome = { ok: false, errorKind: 'unreachable', error: 'refused' };
const success: ProbeOutcome = {
  ok: true,
  responseTimeMs: 3.5,
  probe: 'ping',
  sessionOpened: false,
};

describe('CheckRecorder on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let config: RuntimeConfigService;
  let recorder: CheckRecorder;
  let id: string;

  const generation = async () =>
    (
      await ds.query<{ g: number }[]>(
        'SELECT circuit_generation AS g FROM omni2.mcp_servers WHERE id = $1',
        [id],
      )
    )[0]?.g ?? 0;
  /** A check admitted now, in the server's current generation, as the coordinator does. */
  const check = async (outcome: ProbeOutcome, at = new Date()) =>
    recorder.recordCheck(id, outcome, at, await generation());

  const logTypes = async () =>
    (
      await ds.query<{ event_type: string; status: string }[]>(
        'SELECT event_type, status FROM omni2.mcp_health_log WHERE server_id = $1 ORDER BY id',
        [id],
      )
    ).map((r) => `${r.event_type}:${r.status}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 6)).initialize();
    config = new RuntimeConfigService(ds.getRepository(RuntimeConfigEntity), new Clock());
    const catalog = new AlertCatalog(
      ds.getRepository(AlertRuleEntity),
      ds.getRepository(MaintenanceWindowEntity),
      new Clock(),
    );
    recorder = new CheckRecorder(
      ds.getRepository(McpServerEntity),
      config,
      new ReplicaIdentity(),
      new AlertStager(),
      catalog,
    );
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  beforeEach(async () => {
    await config.put('circuit_breaker', RUNTIME_DEFAULTS.circuit_breaker);
    const [row] = await ds.query<{ id: string }[]>(
      `INSERT INTO omni2.mcp_servers (name, protocol, url) VALUES ('s-' || gen_random_uuid(), 'sse', 'http://x') RETURNING id`,
    );
    id = row.id;
  });

  it('keeps a never-healthy server unknown while counting failures below the threshold', async () => {
    await check(failure);
    const result = await check(failure);
    expect(result?.row).toMatchObject({
      health_status: 'unknown',
      circuit_state: 'closed',
      consecutive_failures: 2,
      error_count: 2,
      last_error: 'refused',
      last_error_kind: 'unreachable',
      last_success_at: null,
    });
    expect(await logTypes()).toEqual(['health_check:unknown', 'health_check:unknown']);
  });

  it('records a success with its response time and schedules the next check', async () => {
    const at = new Date();
    const result = await check(success, at);
    expect(result?.row).toMatchObject({
      health_status: 'healthy',
      consecutive_failures: 0,
      last_response_time_ms: 3.5,
      last_error: null,
      claimed_by: null,
    });
    const due = result!.row.next_check_at!.getTime() - at.getTime();
    expect(due).toBeGreaterThanOrEqual(60_000);
    expect(due).toBeLessThan(66_000); // interval plus at most 10% jitter
    expect(result?.events.map((e) => e.type)).toEqual(['mcp_health_check', 'mcp_status_change']);
  });

  it('opens the circuit on the fifth failure, not the fourth, and logs the transition', async () => {
    await check(success);
    for (let i = 0; i < 4; i++) {
      const r = await check(failure);
      expect(r?.row.health_status).toBe('healthy');
    }
    const fifth = await check(failure);
    expect(fifth?.row).toMatchObject({ circuit_state: 'open', health_status: 'circuit_open' });
    expect(fifth!.row.next_check_at!.getTime()).toBe(fifth!.row.open_until!.getTime());
    expect((await logTypes()).slice(-2)).toEqual([
      'health_check:circuit_open',
      'circuit_opened:circuit_open',
    ]);
    expect(fifth?.events.map((e) => e.type)).toEqual([
      'mcp_health_check',
      'circuit_breaker_state',
      'mcp_status_change',
    ]);
  });

  it('a tool call moves the breaker with a call reason, and leaves the check facts and the check event alone', async () => {
    await check(success);
    const checkedAt = await ds.query<{ t: Date; ms: number }[]>(
      'SELECT last_health_check AS t, last_response_time_ms AS ms FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    let last = null;
    for (let i = 0; i < 5; i++) last = await recorder.recordCall(id, callFailure, new Date(), 0);
    expect(last?.row).toMatchObject({ circuit_state: 'open', last_error: 'refused' });
    expect(last?.events.map((e) => e.type)).toEqual(['circuit_breaker_state', 'mcp_status_change']);
    expect(
      await ds.query(
        'SELECT last_health_check AS t, last_response_time_ms AS ms FROM omni2.mcp_servers WHERE id = $1',
        [id],
      ),
    ).toEqual(checkedAt);
    expect((await logTypes()).filter((t) => t.startsWith('health_check'))).toHaveLength(1);
    const quiet = await recorder.recordCall(id, callFailure, new Date(), 0);
    expect(quiet).toBeNull();
  });

  it('says a tool call moved the status when the breaker did not name the change', async () => {
    const result = await recorder.recordCall(id, { ok: true }, new Date(), 0);
    expect(result?.events).toEqual([
      expect.objectContaining({
        type: 'mcp_status_change',
        data: expect.objectContaining({
          old_status: 'unknown',
          new_status: 'healthy',
          reason: 'tool call succeeded',
        }),
      }),
    ]);
  });

  it('serialises concurrent checks on one server without losing a count', async () => {
    await config.put('circuit_breaker', {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      failure_threshold: 100,
    });
    await Promise.all(
      Array.from({ length: 8 }, () => recorder.recordCheck(id, failure, new Date(), 0)),
    );
    const [row] = await ds.query<{ consecutive_failures: number; error_count: number }[]>(
      'SELECT consecutive_failures, error_count FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ consecutive_failures: 8, error_count: 8 });
  });

  it('ignores a server deleted or disabled meanwhile', async () => {
    await ds.query(`UPDATE omni2.mcp_servers SET status = 'inactive' WHERE id = $1`, [id]);
    await expect(check(success)).resolves.toBeNull();
    await ds.query('DELETE FROM omni2.mcp_servers WHERE id = $1', [id]);
    await expect(check(success)).resolves.toBeNull();
  });

  it('writes a burst of outcomes for one server in a few transactions, each counted in order', async () => {
    await config.put('circuit_breaker', {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      failure_threshold: 1_000,
    });
    const transactions = jest.spyOn(ds.manager, 'transaction');
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, () => recorder.recordCall(id, callFailure, new Date(), 0)),
      );
      expect(results.map((r) => r?.row.consecutive_failures)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      expect(transactions.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      transactions.mockRestore();
    }
    const [row] = await ds.query<{ consecutive_failures: number; error_count: number }[]>(
      'SELECT consecutive_failures, error_count FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ consecutive_failures: 200, error_count: 200 });
  });

  it('an outcome from an earlier generation does not move the breaker; a check still records what it saw', async () => {
    for (let i = 0; i < 5; i++) await check(failure);
    const opened = await generation();
    expect(opened).toBe(1);
    const before = await ds.query('SELECT * FROM omni2.mcp_servers WHERE id = $1', [id]);
    const call = await recorder.recordCall(id, callFailure, new Date(), 0);
    expect(call).toBeNull();
    expect(await ds.query('SELECT * FROM omni2.mcp_servers WHERE id = $1', [id])).toEqual(before);
    const stale = await recorder.recordCheck(id, { ...failure, error: 'late' }, new Date(), 0);
    expect(stale?.row).toMatchObject({
      circuit_state: 'open',
      consecutive_failures: 5,
      failure_cycles: 0,
      last_error: 'late',
      circuit_generation: opened,
    });
    expect(stale?.decision.events).toEqual([]);
    expect((await logTypes()).slice(-1)).toEqual(['health_check:circuit_open']);
  });

  it('keeps the breaker decisions of a batch whose error text the database refuses', async () => {
    const results = await Promise.all([
      recorder.recordCall(id, callFailure, new Date(), 0),
      recorder.recordCall(
        id,
        { ...callFailure, error: 'stderr: a\u0000b', errorKind: 'process_exit' },
        new Date(),
        0,
      ),
    ]);
    expect(results.map((r) => r?.row.consecutive_failures)).toEqual([1, 2]);
    const [row] = await ds.query<{ consecutive_failures: number; last_error: string }[]>(
      'SELECT consecutive_failures, last_error FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ consecutive_failures: 2, last_error: 'process_exit' });
  });
});
