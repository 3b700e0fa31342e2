import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/**
 * SPEC §2: while a circuit is open nothing is checked until the period ends. On-demand checks,
 * "check all" and capability reads leave the server alone (an early failed check would count as
 * a failed recovery and could auto-disable it); a reset is the way to check at once.
 */
describe('an open circuit (e2e)', () => {
  let t: TestApp;
  let failing: Upstream;
  let fine: Upstream;

  beforeAll(async () => {
    t = await startTestApp();
    failing = await startUpstream('streamable_http');
    fine = await startUpstream('streamable_http');
    await t.putConfig('circuit_breaker', {
      enabled: true,
      failure_threshold: 1,
      timeout_seconds: 600,
      backoff_multiplier: 2,
      max_timeout_seconds: 600,
      half_open_max_calls: 1,
      max_failure_cycles: 2,
      auto_disable_enabled: true,
      disable_after_minutes: 60,
    });
    for (const [upstream, name] of [
      [failing, 'down'],
      [fine, 'up'],
    ] as const) {
      const res = await t.api('POST', '/api/v1/mcp/servers', upstream.registration(name));
      expect(res.status).toBe(201);
    }
    failing.setBehaviour({ mode: 'failing' });
  });

  afterAll(async () => {
    await t.close();
    await failing.stop();
    await fine.stop();
  });

  const server = async (name: string) => (await t.api('GET', `/api/v1/mcp/servers/${name}`)).body;

  it('opens on the first failure here (threshold 1)', async () => {
    const res = await t.api('POST', '/api/v1/mcp/servers/down/health-check');
    expect(res.body).toMatchObject({ ok: false, health_status: 'circuit_open' });
  });

  it('refuses an on-demand check, saying when the next attempt is, without touching the server', async () => {
    const before = await server('down');
    const requests = failing.calls().length;
    for (const path of ['health-check', 'reload']) {
      const res = await t.api('POST', `/api/v1/mcp/servers/down/${path}`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('CIRCUIT_OPEN');
      expect(res.body.message).toMatch(/reset the circuit to check it now/);
      expect(res.body.details.retry_at).toBe(before.next_check_at); // the open period's end
    }
    expect(failing.calls()).toHaveLength(requests);
    expect(await server('down')).toMatchObject({
      circuit_state: 'open',
      failure_cycles: before.failure_cycles,
      next_check_at: before.next_check_at,
      status: 'active',
    });
  });

  it('leaves open circuits out of "check all" and counts them', async () => {
    const requests = failing.calls().length;
    const res = await t.api('POST', '/api/v1/mcp/servers/health-check');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ checked: 1, healthy: 1, failed: 0, skipped_circuit_open: 1 });
    expect(res.body.results.map((r: { name: string }) => r.name)).toEqual(['up']);
    expect(failing.calls()).toHaveLength(requests);
  });

  it('answers a capability read from what is known instead of waiting on the server', async () => {
    const requests = failing.calls().length;
    const res = await t.api('GET', '/api/v1/mcp/servers/down/capabilities');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tools: [], cached_at: null });
    expect(failing.calls()).toHaveLength(requests);
  });

  it('checks at once after an operator resets the circuit', async () => {
    failing.setBehaviour({ mode: 'healthy' });
    expect((await t.api('POST', '/api/v1/mcp/servers/down/circuit/reset')).status).toBe(200);
    const res = await t.api('POST', '/api/v1/mcp/servers/down/health-check');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, health_status: 'healthy' });
  });
});
