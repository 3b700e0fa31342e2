import type { EventEnvelope } from '@omni2/contracts';
import { DataSource } from 'typeorm';
import { FakeClock } from '../../test/support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { RuntimeConfigEntity } from '../config/runtime-config.entity';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { InProcessEventStream } from '../events/in-process-event-stream';
import { AlertCatalog } from '../alerts/alert-catalog';
import { AlertRuleEntity } from '../alerts/alert-rule.entity';
import { AlertStager } from '../alerts/alert-stager';
import { MaintenanceWindowEntity } from '../alerts/maintenance-window.entity';
import { CriticalAlerts } from '../health/critical-alerts';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { HealthLogEntity } from './health-log.entity';
import { HealthLogService } from './health-log.service';

const HOUR = 3_600_000;

describe('health log on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let service: HealthLogService;
  let server: McpServerEntity;
  const now = Date.parse('2026-11-22T12:00:00Z');

  /** Inserts a log row `hoursAgo` before `now`. */
  const at = (hoursAgo: number, event_type: string, extra: Partial<HealthLogEntity> = {}) =>
    ds.getRepository(HealthLogEntity).insert({
      server_id: server.id,
      event_type: event_type as HealthLogEntity['event_type'],
      status: 'healthy',
      created_at: new Date(now - hoursAgo * HOUR),
      ...extra,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    service = new HealthLogService(ds.getRepository(HealthLogEntity));
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  beforeEach(async () => {
    const [row] = await ds.query<{ id: string }[]>(
      `INSERT INTO omni2.mcp_servers (name, protocol, url) VALUES ('s-' || gen_random_uuid(), 'sse', 'http://x') RETURNING id`,
    );
    server = { id: row.id } as McpServerEntity;
  });

  it('computes uptime from checks in the window only, with mean and p95 of successful ones', async () => {
    await at(30, 'health_check', { error_message: 'before the window', error_kind: 'timeout' });
    for (let i = 1; i <= 18; i++) await at(i, 'health_check', { response_time_ms: i });
    await at(19, 'health_check', {
      error_message: 'refused',
      error_kind: 'unreachable',
      status: 'healthy',
    });
    await at(20, 'health_check', { error_message: 'refused', error_kind: 'unreachable' });
    const view = await service.uptime(server, { window: '24h' }, now);
    expect(view).toMatchObject({ checks: 20, successful_checks: 18, uptime_percent: 90 });
    expect(view.mean_response_time_ms).toBe(9.5);
    expect(view.p95_response_time_ms).toBeCloseTo(17.15, 2);
    expect(view.method).toMatch(/never checked/);
  });

  it('leaves checks and downtime inside maintenance out of uptime, unless maintenance counts', async () => {
    for (let i = 1; i <= 8; i++) await at(i, 'health_check', { response_time_ms: 5 });
    // Down from 3.5 h to 1.5 h ago; a maintenance window covered 4 h to 1 h ago.
    await at(3.5, 'circuit_opened');
    await at(2.5, 'health_check', { error_message: 'refused', error_kind: 'unreachable' });
    await at(2.2, 'health_check', { error_message: 'refused', error_kind: 'unreachable' });
    await at(1.5, 'circuit_closed');
    const window: [number, number] = [now - 4 * HOUR, now - HOUR];
    const intervals = () => Promise.resolve([window]);
    const left = await service.uptime(server, { window: '24h' }, now, {
      counted: false,
      intervals,
    });
    // Checks at 1 h (the window's end is open) and 5-8 h remain: five, all fine.
    expect(left).toMatchObject({
      checks: 5,
      successful_checks: 5,
      uptime_percent: 100,
      downtime_seconds: 0,
      maintenance: { counted: false, excluded_checks: 5, seconds: 3 * 3_600 },
    });
    const counted = await service.uptime(server, { window: '24h' }, now, {
      counted: true,
      intervals,
    });
    expect(counted).toMatchObject({
      checks: 10,
      successful_checks: 8,
      uptime_percent: 80,
      downtime_seconds: 2 * 3_600,
      maintenance: { counted: true, excluded_checks: 0, seconds: 3 * 3_600 },
    });
  });

  it('answers null uptime rather than 0% or 100% when nothing was checked', async () => {
    const view = await service.uptime(server, {}, now);
    expect(view).toMatchObject({
      window: '24h',
      checks: 0,
      uptime_percent: null,
      downtime_seconds: 0,
    });
  });

  it('sums outages clipped to the window, including one that began before it and one still open', async () => {
    await at(30, 'circuit_opened'); // began 30 h ago: counts from the window start (24 h ago)
    await at(22, 'circuit_closed'); // -> 2 h inside the window
    await at(10, 'circuit_opened');
    await at(9, 'auto_disabled'); //  -> 1 h
    await at(3, 'circuit_opened'); // -> still open: 3 h
    const view = await service.uptime(server, { window: '24h' }, now);
    expect(view.downtime_seconds).toBe((2 + 1 + 3) * 3_600);
    const week = await service.uptime(server, { window: '7d' }, now);
    expect(week.downtime_seconds).toBe((8 + 1 + 3) * 3_600);
  });

  it('pages newest first with a cursor, and filters by type and time', async () => {
    for (let i = 1; i <= 5; i++) await at(i, 'health_check');
    await at(6, 'circuit_opened');
    const first = await service.page(server, { limit: '4' });
    expect(first.items).toHaveLength(4);
    expect(first.next_cursor).not.toBeNull();
    const second = await service.page(server, { limit: '4', before: first.next_cursor });
    expect(second.items).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
    expect([...first.items, ...second.items].map((e) => e.created_at)).toEqual(
      [1, 2, 3, 4, 5, 6].map((h) => new Date(now - h * HOUR).toISOString()),
    );
    const opened = await service.page(server, { event_type: 'circuit_opened' });
    expect(opened.items.map((e) => e.event_type)).toEqual(['circuit_opened']);
    const recent = await service.page(server, { from: new Date(now - 2.5 * HOUR).toISOString() });
    expect(recent.items).toHaveLength(2);
    await expect(service.page(server, { event_type: 'nope' })).rejects.toThrow(/event_type/);
  });

  it('prunes only rows older than the retention', async () => {
    await ds.getRepository(HealthLogEntity).insert([
      {
        server_id: server.id,
        event_type: 'health_check',
        status: 'healthy',
        created_at: new Date(Date.now() - 31 * 24 * HOUR),
      },
      {
        server_id: server.id,
        event_type: 'health_check',
        status: 'healthy',
        created_at: new Date(Date.now() - 29 * 24 * HOUR),
      },
    ]);
    expect(await service.prune(30)).toBe(1);
    const left = await ds.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM omni2.mcp_health_log WHERE server_id = $1',
      [server.id],
    );
    expect(left[0].n).toBe(1);
  });

  it('raises one critical_alert when enough circuits open within the window', async () => {
    const clock = new FakeClock(Date.now());
    const events = new InProcessEventStream();
    const seen: EventEnvelope[] = [];
    events.subscribe((e) => seen.push(e));
    const config = new RuntimeConfigService(ds.getRepository(RuntimeConfigEntity), clock);
    await config.put('alerts', { critical_failure_count: 3, critical_window_seconds: 60 });
    const catalog = new AlertCatalog(
      ds.getRepository(AlertRuleEntity),
      ds.getRepository(MaintenanceWindowEntity),
      clock,
    );
    const replica = () =>
      new CriticalAlerts(
        ds.getRepository(HealthLogEntity),
        config,
        events,
        clock,
        new AlertStager(),
        catalog,
      );
    const alerts = replica();
    // A rule for critical alerts, to one channel: the notification is staged with the alert.
    const [channel] = await ds.query<{ id: string }[]>(
      `INSERT INTO omni2.alert_channels (name, kind, config) VALUES ('c', 'webhook', 'x') RETURNING id`,
    );
    await ds.query(
      `INSERT INTO omni2.alert_rules (name, events, channel_ids) VALUES ('r', '{critical_alert}', $1)`,
      [[channel.id]],
    );
    const staged = async () =>
      (
        await ds.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM omni2.alert_outbox WHERE event = 'critical_alert'`,
        )
      )[0].n;
    await ds.query('DELETE FROM omni2.mcp_health_log');
    const open = async () => {
      const [row] = await ds.query<{ id: string }[]>(
        `INSERT INTO omni2.mcp_servers (name, protocol, url) VALUES ('a-' || gen_random_uuid(), 'sse', 'http://x') RETURNING id`,
      );
      await ds.query(
        `INSERT INTO omni2.mcp_health_log (server_id, event_type, status) VALUES ($1, 'circuit_opened', 'circuit_open')`,
        [row.id],
      );
      await alerts.circuitOpened();
    };
    await open();
    await open();
    expect(seen).toHaveLength(0);
    await open();
    expect(seen.map((e) => e.type)).toEqual(['critical_alert']);
    expect(seen[0].data).toMatchObject({ count: 3, window_seconds: 60 });
    expect(await staged()).toBe(1);
    // Another replica sees the same wave: its own alert, but no second notification.
    await replica().circuitOpened();
    expect(await staged()).toBe(1);
    await open(); // same wave: held back for the window
    expect(seen).toHaveLength(2);
    clock.t += 60_000;
    await open();
    expect(seen).toHaveLength(3);
    expect(await staged()).toBe(2);
  });
});
