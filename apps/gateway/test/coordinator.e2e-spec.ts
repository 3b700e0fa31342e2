import type { EventEnvelope } from '@omni2/contracts';
import { ConnectionManager } from '../src/connections/connection-manager';
import { CoordinatorService } from '../src/coordinator/coordinator.service';
import { EventStream } from '../src/events/event-stream';
import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/**
 * The scheduled loop end to end: a real upstream flipped between healthy and failing, fast
 * intervals set through the config API, and the exact status and log sequence asserted.
 */
describe('coordinator and circuit breaker (e2e)', () => {
  let t: TestApp;
  let upstream: Upstream;
  let id: string;
  const published: EventEnvelope[] = [];

  const server = async () => (await t.api('GET', `/api/v1/mcp/servers/${id}`)).body;
  const log = async () => {
    const page = await t.api('GET', `/api/v1/mcp/servers/${id}/health-logs?limit=1000`);
    return (page.body.items as { event_type: string; status: string }[]).reverse();
  };
  /** The log as `event:status`, with runs of identical health checks collapsed. */
  const sequence = async () => {
    const out: string[] = [];
    for (const e of await log()) {
      const item = `${e.event_type}:${e.status}`;
      if (item.startsWith('health_check') && out.at(-1) === item) continue;
      out.push(item);
    }
    return out;
  };
  const waitFor = (what: string, done: (s: any) => boolean, timeoutMs = 20_000) =>
    pollUntil(server, done, { what, timeoutMs, intervalMs: 50 });

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'on', OMNI2_COORDINATOR_TICK_MS: '100' });
    t.app.get(EventStream).subscribe((e) => published.push(e));
    await t.putConfig('health_check', {
      interval_seconds: 1,
      unhealthy_interval_seconds: 1,
      timeout_seconds: 1,
      concurrency: 10,
    });
    await t.putConfig('circuit_breaker', {
      enabled: true,
      failure_threshold: 3,
      timeout_seconds: 1,
      backoff_multiplier: 2,
      max_timeout_seconds: 4,
      half_open_max_calls: 2,
      max_failure_cycles: 2,
      auto_disable_enabled: true,
      disable_after_minutes: 60,
    });
    upstream = await startUpstream('streamable_http');
    const created = await t.api('POST', '/api/v1/mcp/servers', upstream.registration('flappy'));
    id = created.body.id;
  });

  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('checks a new server at once and keeps it healthy on schedule', async () => {
    await waitFor('healthy', (s) => s.health_status === 'healthy');
    const first = await log();
    expect(first.slice(0, 2).map((e) => e.event_type)).toEqual(['connected', 'health_check']);
    // Checked again on the 1 s interval, on the same session (one initialize only).
    await pollUntil(log, (l) => l.filter((e) => e.event_type === 'health_check').length >= 3, {
      what: 'three checks',
    });
    expect(upstream.calls().filter((c) => c.method === 'initialize')).toHaveLength(1);
  });

  it('does not blink: stays healthy below the threshold, opens on the third failure', async () => {
    upstream.setBehaviour({ mode: 'failing' });
    await waitFor('circuit open', (s) => s.circuit_state === 'open');
    const seq = await sequence();
    const tail = seq.slice(seq.lastIndexOf('health_check:healthy'));
    expect(tail).toEqual([
      'health_check:healthy',
      'health_check:circuit_open',
      'circuit_opened:circuit_open',
    ]);
    const failures = (await log()).filter((e) => e.event_type === 'health_check').slice(-3);
    expect(failures.map((e) => e.status)).toEqual(['healthy', 'healthy', 'circuit_open']);
    const s = await server();
    expect(s).toMatchObject({
      health_status: 'circuit_open',
      consecutive_failures: 3,
      last_error_kind: 'protocol',
    });
    expect(Date.parse(s.next_check_at)).toBeGreaterThan(Date.now() - 2_000);
  });

  it('fast-fails tool calls while the circuit is open, saying when to retry', async () => {
    const res = await t.api('POST', `/api/v1/mcp/servers/${id}/tools/echo/execute`, {
      arguments: { text: 'x' },
    });
    if ((await server()).circuit_state !== 'open') return; // the period ended meanwhile
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('CIRCUIT_OPEN');
    expect(Date.parse(res.body.details.retry_at)).not.toBeNaN();
  });

  it('recovers through half-open: unhealthy until the second success, then healthy', async () => {
    upstream.setBehaviour({ mode: 'healthy' });
    await waitFor(
      'healthy again',
      (s) => s.health_status === 'healthy' && s.circuit_state === 'closed',
    );
    const seq = await sequence();
    const from = seq.lastIndexOf('circuit_opened:circuit_open');
    expect(seq.slice(from)).toEqual([
      'circuit_opened:circuit_open',
      'recovery_attempt:unhealthy',
      'health_check:unhealthy',
      'health_check:healthy',
      'recovery_success:healthy',
      'circuit_closed:healthy',
    ]);
    const s = await server();
    expect(s).toMatchObject({ failure_cycles: 0, consecutive_failures: 0 });
    expect(s.total_downtime_seconds).toBeGreaterThanOrEqual(1);
  });

  it('backs off and auto-disables after the configured failure cycles', async () => {
    upstream.setBehaviour({ mode: 'failing' });
    await waitFor('auto-disabled', (s) => s.status === 'inactive', 30_000);
    const s = await server();
    expect(s).toMatchObject({
      disabled_reason: 'auto',
      health_status: 'disabled',
      next_check_at: null,
    });
    const seq = await sequence();
    const from = seq.lastIndexOf('circuit_closed:healthy');
    expect(seq.slice(from + 1)).toEqual([
      'health_check:healthy',
      'health_check:circuit_open',
      'circuit_opened:circuit_open',
      'recovery_attempt:unhealthy',
      'health_check:circuit_open',
      'circuit_opened:circuit_open',
      'recovery_attempt:unhealthy',
      'health_check:disabled',
      'auto_disabled:disabled',
    ]);
    // Backoff: the second open period (cycle 1) is twice the first.
    const opened = (
      await t.api(
        'GET',
        `/api/v1/mcp/servers/${id}/health-logs?event_type=circuit_opened,recovery_attempt&limit=10`,
      )
    ).body.items.reverse() as { event_type: string; created_at: string }[];
    const gaps = [];
    for (let i = 0; i + 1 < opened.length; i++) {
      if (
        opened[i].event_type === 'circuit_opened' &&
        opened[i + 1].event_type === 'recovery_attempt'
      ) {
        gaps.push(Date.parse(opened[i + 1].created_at) - Date.parse(opened[i].created_at));
      }
    }
    const [first, second] = gaps.slice(-2);
    expect(first).toBeGreaterThanOrEqual(1_000);
    expect(second).toBeGreaterThanOrEqual(2_000);
    // Checks stop while disabled: several ticks pass and nothing new is logged.
    const count = (await log()).length;
    const coordinator = t.app.get(CoordinatorService);
    const after = Date.now() + 1_500;
    await pollUntil(
      () => Date.parse(coordinator.status().last_tick_at ?? '0'),
      (lastTick) => lastTick > after,
      { what: 'ticks after the disable' },
    );
    expect((await log()).length).toBe(count);
    expect(t.app.get(ConnectionManager).has(id)).toBe(false); // its session was closed
  });

  it('published each transition exactly once', async () => {
    const mine = published.filter((e) => e.server_id === id);
    expect(mine.filter((e) => e.type === 'mcp_auto_disabled')).toHaveLength(1);
    const openedInLog = (await log()).filter((e) => e.event_type === 'circuit_opened').length;
    const openedEvents = mine.filter(
      (e) =>
        e.type === 'circuit_breaker_state' &&
        (e.data as { new_state: string }).new_state === 'open',
    );
    expect(openedEvents).toHaveLength(openedInLog);
    const checksInLog = (await log()).filter((e) => e.event_type === 'health_check').length;
    expect(mine.filter((e) => e.type === 'mcp_health_check')).toHaveLength(checksInLog);
    const ids = mine.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lets an operator enable it again, which checks it at once', async () => {
    upstream.setBehaviour({ mode: 'healthy' });
    const res = await t.api('POST', `/api/v1/mcp/servers/${id}/enable`);
    expect(res.body).toMatchObject({
      status: 'active',
      disabled_reason: null,
      failure_cycles: 0,
      health_status: 'unknown', // until it answers, not healthy as before it went down
    });
    await waitFor('healthy after enable', (s) => s.health_status === 'healthy');
    const types = (await log()).map((e) => e.event_type);
    expect(types).toContain('manually_enabled');
  });

  it('reports uptime with its method, and a reset closes the circuit', async () => {
    const uptime = await t.api('GET', `/api/v1/mcp/servers/${id}/uptime?window=24h`);
    expect(uptime.status).toBe(200);
    expect(uptime.body.checks).toBeGreaterThan(5);
    expect(uptime.body.successful_checks).toBeLessThan(uptime.body.checks);
    expect(uptime.body.uptime_percent).toBeGreaterThan(0);
    expect(uptime.body.uptime_percent).toBeLessThan(100);
    expect(uptime.body.downtime_seconds).toBeGreaterThanOrEqual(2);
    expect(uptime.body.method).toContain('never checked');
    expect((await t.api('GET', `/api/v1/mcp/servers/${id}/uptime?window=1y`)).status).toBe(400);

    const reset = await t.api('POST', `/api/v1/mcp/servers/${id}/circuit/reset`);
    expect(reset.body).toMatchObject({ circuit_state: 'closed', consecutive_failures: 0 });
  });
});
