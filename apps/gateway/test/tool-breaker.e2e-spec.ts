import type { EventEnvelope } from '@omni2/contracts';
import { EventStream } from '../src/events/event-stream';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/**
 * SPEC §2: tool calls pass through the same breaker. A call that fails on the way to the server
 * counts as a failure, a call the server answers (even with a tool error) as a success, and
 * neither is a health check.
 */
describe('tool calls and the circuit breaker (e2e)', () => {
  let t: TestApp;
  let upstream: Upstream;
  const published: EventEnvelope[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(EventStream).subscribe((e) => published.push(e));
    await t.putConfig('circuit_breaker', {
      enabled: true,
      failure_threshold: 3,
      timeout_seconds: 600,
      backoff_multiplier: 2,
      max_timeout_seconds: 600,
      half_open_max_calls: 1,
      max_failure_cycles: 3,
      auto_disable_enabled: true,
      disable_after_minutes: 60,
    });
    upstream = await startUpstream('streamable_http');
    expect(
      (await t.api('POST', '/api/v1/mcp/servers', upstream.registration('tools'))).status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/mcp/servers/tools/health-check')).body.ok).toBe(true);
  });

  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const server = async () => (await t.api('GET', '/api/v1/mcp/servers/tools')).body;
  const call = (tool = 'echo', args: Record<string, unknown> = { text: 'x' }) =>
    t.api('POST', `/api/v1/mcp/servers/tools/tools/${tool}/execute`, { arguments: args });
  const logTypes = async () =>
    (
      (await t.api('GET', '/api/v1/mcp/servers/tools/health-logs?limit=1000')).body.items as {
        event_type: string;
      }[]
    ).map((e) => e.event_type);

  it('counts a call that fails on the way, without blinking and without a health check', async () => {
    const checks = (await logTypes()).filter((e) => e === 'health_check').length;
    upstream.setBehaviour({ mode: 'failing' });
    expect((await call()).status).toBe(502);
    expect(await server()).toMatchObject({
      consecutive_failures: 1,
      health_status: 'healthy',
      last_error_kind: 'protocol',
    });
    expect((await logTypes()).filter((e) => e === 'health_check')).toHaveLength(checks);
  });

  it('forgets the failures when a call is answered, even with a tool error', async () => {
    upstream.setBehaviour({ mode: 'healthy' });
    const res = await call('fail', {});
    expect(res.status).toBe(200);
    expect(res.body.is_error).toBe(true);
    expect(await server()).toMatchObject({ consecutive_failures: 0, last_error: null });
  });

  it('opens the circuit on the threshold-th failed call, and then fails calls fast', async () => {
    upstream.setBehaviour({ mode: 'failing' });
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(502);
    expect(await server()).toMatchObject({ circuit_state: 'open', health_status: 'circuit_open' });
    expect(await logTypes()).toContain('circuit_opened');
    expect(
      published.some(
        (e) =>
          e.type === 'circuit_breaker_state' &&
          (e.data as { new_state: string }).new_state === 'open',
      ),
    ).toBe(true);
    const requests = upstream.calls().length;
    const fast = await call();
    expect(fast.status).toBe(503);
    expect(fast.body.code).toBe('CIRCUIT_OPEN');
    expect(upstream.calls()).toHaveLength(requests);
  });
});
