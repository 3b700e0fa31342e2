import { pollUntil } from './support/poll';
import { parsePrometheusText, type Exposition } from './support/prometheus-text';
import { connectEvents } from './support/event-client';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/**
 * `GET /metrics` parsed as Prometheus would, while a real upstream fails and recovers under
 * short breaker settings (as in coordinator.e2e-spec.ts).
 */
describe('GET /metrics (e2e)', () => {
  let t: TestApp;
  let upstream: Upstream;
  const server = 'flappy';

  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    return parsePrometheusText(await res.text());
  };
  const waitForMetrics = (what: string, done: (m: Exposition) => boolean, timeoutMs = 30_000) =>
    pollUntil(scrape, done, { what, timeoutMs, intervalMs: 100 }).catch(async (error: Error) => {
      const series = (await scrape()).samples.filter((s) => s.labels.server === server);
      throw new Error(`${error.message.slice(0, 200)}\n${JSON.stringify(series)}`);
    });
  const status = (m: Exposition, s: string) =>
    m.value('omni2_server_health_status', { server, status: s });
  const transitions = (m: Exposition, from: string, to: string) =>
    m.value('omni2_breaker_transitions_total', { server, from, to }) ?? 0;
  const tools = (m: Exposition, outcome: string) =>
    m.value('omni2_tool_executions_total', { server, outcome }) ?? 0;
  const execute = () =>
    t.api('POST', `/api/v1/mcp/servers/${server}/tools/echo/execute`, { arguments: { text: 'x' } });

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'on', OMNI2_COORDINATOR_TICK_MS: '100' });
    await t.putConfig('health_check', {
      interval_seconds: 1,
      unhealthy_interval_seconds: 1,
      timeout_seconds: 2,
      concurrency: 10,
    });
    await t.putConfig('circuit_breaker', {
      enabled: true,
      failure_threshold: 2,
      timeout_seconds: 1,
      backoff_multiplier: 2,
      max_timeout_seconds: 2,
      half_open_max_calls: 1,
      max_failure_cycles: 100,
      auto_disable_enabled: false,
      disable_after_minutes: 60,
    });
    upstream = await startUpstream('streamable_http');
    expect((await t.api('POST', '/api/v1/mcp/servers', upstream.registration(server))).status).toBe(
      201,
    );
  });

  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('serves the text format with fleet, replica and process metrics', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = await waitForMetrics('healthy and checked', (x) => status(x, 'healthy') === 1);
    expect(m.find('omni2_server_health_status', { server })).toHaveLength(1);
    expect(m.value('omni2_server_circuit_state', { server, state: 'closed' })).toBe(1);
    expect(m.value('omni2_servers', { status: 'healthy' })).toBe(1);
    expect(m.value('omni2_health_check_duration_seconds_count', { server })).toBeGreaterThan(0);
    expect(m.value('omni2_server_last_check_timestamp_seconds', { server })).toBeGreaterThan(
      Date.now() / 1_000 - 60,
    );
    expect(m.value('omni2_coordinator_tick_duration_seconds_count')).toBeGreaterThan(0);
    expect(m.value('omni2_coordinator_claimed_servers_sum')).toBeGreaterThan(0);
    expect(m.value('omni2_event_stream_lag_seconds_count')).toBeGreaterThan(0);
    expect(m.value('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(m.types.get('omni2_tool_execution_duration_seconds')).toBe('histogram');
    // Label values are server names only: nothing from the URL or the credentials.
    const labelValues = m.samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((v) => v.includes('127.0.0.1'))).toEqual([]);
  });

  it('counts sockets connected to this replica', async () => {
    const client = await connectEvents(t.baseUrl, { token: t.adminToken });
    try {
      await waitForMetrics('one socket', (m) => m.value('omni2_socket_connections') === 1);
    } finally {
      client.close();
    }
    await waitForMetrics('no socket', (m) => m.value('omni2_socket_connections') === 0);
  });

  it('follows a failure of the upstream: failures, open circuit, transitions, fast-failed calls', async () => {
    expect((await execute()).status).toBe(200);
    upstream.setBehaviour({ mode: 'failing' });
    const open = await waitForMetrics('circuit open', (m) => status(m, 'circuit_open') === 1);
    expect(open.value('omni2_server_circuit_state', { server, state: 'open' })).toBe(1);
    expect(open.value('omni2_server_consecutive_failures', { server })).toBeGreaterThanOrEqual(2);
    expect(open.value('omni2_servers', { status: 'circuit_open' })).toBe(1);
    expect(transitions(open, 'closed', 'open')).toBe(1);
    // A call during the open period fails fast; one just after it reaches the failing upstream.
    const res = await execute();
    expect([502, 503]).toContain(res.status);
    const after = await scrape();
    expect(tools(after, 'ok')).toBe(1);
    expect(tools(after, res.status === 503 ? 'circuit_open' : 'failed')).toBe(1);
    expect(
      after.value('omni2_tool_execution_duration_seconds_count', { server, outcome: 'ok' }),
    ).toBe(1);
  });

  it('follows the recovery: half-open, then closed and healthy', async () => {
    upstream.setBehaviour({ mode: 'healthy' });
    const healthy = await waitForMetrics('healthy again', (m) => status(m, 'healthy') === 1);
    expect(healthy.value('omni2_server_circuit_state', { server, state: 'closed' })).toBe(1);
    expect(healthy.value('omni2_server_consecutive_failures', { server })).toBe(0);
    expect(transitions(healthy, 'half_open', 'closed')).toBe(1);
    expect(transitions(healthy, 'open', 'half_open')).toBeGreaterThanOrEqual(1);
    expect(healthy.find('omni2_server_health_status', { server })).toHaveLength(1);
    expect((await execute()).status).toBe(200);
    expect(tools(await scrape(), 'ok')).toBe(2);
  });

  it("drops a deleted server's series", async () => {
    expect((await t.api('DELETE', `/api/v1/mcp/servers/${server}`)).status).toBe(204);
    const m = await waitForMetrics(
      'series gone',
      (x) => x.samples.every((s) => s.labels.server !== server),
      10_000,
    );
    expect(m.value('omni2_servers', { status: 'healthy' })).toBe(0);
  });
});

describe('GET /metrics with OMNI2_METRICS_TOKEN (e2e)', () => {
  const token = 'metrics-scraper-token-5f4dcc3b';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_METRICS_TOKEN: token });
  });

  afterAll(async () => {
    await t.close();
  });

  it('needs exactly that bearer token; user credentials are not enough', async () => {
    const get = (authorization?: string) =>
      fetch(`${t.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
    for (const authorization of [undefined, `Bearer ${token}x`, `Bearer ${t.adminToken}`]) {
      const res = await get(authorization);
      expect([authorization, res.status]).toEqual([authorization, 401]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    }
    const ok = await get(`Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(parsePrometheusText(await ok.text()).value('omni2_servers', { status: 'healthy' })).toBe(
      0,
    );
  });
});
