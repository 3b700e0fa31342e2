import { DEFAULT_BEHAVIOUR } from '@omni2/testkit';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/** Upstreams misbehaving in each way the testkit can, and what omni2 reports for each. */
describe('upstream behaviours (e2e)', () => {
  let t: TestApp;
  let http: Upstream;
  let stdio: Upstream;

  beforeAll(async () => {
    t = await startTestApp();
    http = await startUpstream('streamable_http');
    stdio = await startUpstream('stdio');
    expect((await t.api('POST', '/api/v1/mcp/servers', http.registration('web'))).status).toBe(201);
    expect((await t.api('POST', '/api/v1/mcp/servers', stdio.registration('local'))).status).toBe(
      201,
    );
    // Short check timeout so hanging upstreams fail fast, yet long enough for a stdio restart
    // (spawn + initialize) on a loaded 2-core machine.
    const put = await t.api('PUT', '/api/v1/config/health_check', {
      interval_seconds: 60,
      unhealthy_interval_seconds: 30,
      timeout_seconds: 3,
      concurrency: 10,
    });
    expect(put.status).toBe(200);
  });

  afterEach(() => {
    http.setBehaviour({ ...DEFAULT_BEHAVIOUR });
    stdio.setBehaviour({ ...DEFAULT_BEHAVIOUR });
  });

  afterAll(async () => {
    await t.close();
    await http.stop();
    await stdio.stop();
  });

  const check = (name: string) => t.api('POST', `/api/v1/mcp/servers/${name}/health-check`);

  it('treats a server that refuses ping as alive, confirmed by tools/list', async () => {
    http.setBehaviour({ refusePing: true });
    const res = await check('web');
    expect(res.body).toMatchObject({ ok: true, probe: 'tools_list' });
    stdio.setBehaviour({ refusePing: true });
    expect((await check('local')).body).toMatchObject({ ok: true, probe: 'tools_list' });
  });

  it('reconnects transparently when the server forgot the session', async () => {
    expect((await check('web')).body.ok).toBe(true);
    const initsBefore = http.calls().filter((c) => c.method === 'initialize').length;
    http.http!.expireSessions();
    const res = await check('web');
    expect(res.body).toMatchObject({ ok: true, consecutive_failures: 0 });
    expect(http.calls().filter((c) => c.method === 'initialize').length).toBe(initsBefore + 1);
    expect(http.http!.sessionCount()).toBe(1);
  });

  it('reports a hanging server as a timeout within the configured bound', async () => {
    expect((await check('web')).body.ok).toBe(true);
    http.setBehaviour({ mode: 'hanging' });
    const started = Date.now();
    const res = await check('web');
    expect(res.body).toMatchObject({ ok: false, error_kind: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('reports HTTP 500s as a protocol failure', async () => {
    http.setBehaviour({ mode: 'failing' });
    const res = await check('web');
    expect(res.body).toMatchObject({ ok: false, error_kind: 'protocol' });
    expect(res.body.error).toContain('500');
  });

  it('reports missing credentials as auth, and works once they are configured', async () => {
    http.setBehaviour({ requiredBearer: 'let-me-in' });
    await t.api('POST', '/api/v1/mcp/servers/web/reload'); // drop the authorised-less session
    const denied = await check('web');
    expect(denied.body).toMatchObject({ ok: false, error_kind: 'auth' });
    const patched = await t.api('PATCH', '/api/v1/mcp/servers/web', {
      auth_type: 'bearer',
      auth_config: { token: 'let-me-in' },
    });
    expect(patched.status).toBe(200);
    expect((await check('web')).body).toMatchObject({ ok: true, health_status: 'healthy' });
    const reset = await t.api('PATCH', '/api/v1/mcp/servers/web', { auth_type: 'none' });
    expect(reset.status).toBe(200);
  });

  it('answers 504 when a tool outlasts the server timeout, and 502 when unreachable', async () => {
    await t.api('PATCH', '/api/v1/mcp/servers/web', { timeout_seconds: 1 });
    const slow = await t.api('POST', '/api/v1/mcp/servers/web/tools/sleep/execute', {
      arguments: { ms: 3_000 },
    });
    expect(slow.status).toBe(504);
    expect(slow.body).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      details: { error_kind: 'timeout' },
    });
    http.setBehaviour({ mode: 'failing' });
    const failing = await t.api('POST', '/api/v1/mcp/servers/web/tools/echo/execute', {
      arguments: { text: 'x' },
    });
    expect(failing.status).toBe(502);
    expect(failing.body.code).toBe('UPSTREAM_UNAVAILABLE');
    await t.api('PATCH', '/api/v1/mcp/servers/web', { timeout_seconds: 30 });
  });

  it('counts a slow but answering server as healthy with its real latency', async () => {
    http.setBehaviour({ delayMs: 150 });
    const res = await check('web');
    expect(res.body.ok).toBe(true);
    expect(res.body.response_time_ms).toBeGreaterThanOrEqual(150);
  });

  it('restarts an exited stdio process on the next check', async () => {
    expect((await check('local')).body.ok).toBe(true);
    stdio.setBehaviour({ exitOnRequest: true });
    const exited = await check('local');
    expect(exited.body).toMatchObject({ ok: false, error_kind: 'process_exit' });
    stdio.setBehaviour({ exitOnRequest: false });
    const back = await check('local');
    expect(back.body).toMatchObject({ ok: true, consecutive_failures: 0 });
  });

  const logTypes = async (name: string) => {
    const page = await t.api('GET', `/api/v1/mcp/servers/${name}/health-logs?limit=1000`);
    return (page.body.items as { event_type: string }[]).map((e) => e.event_type).reverse();
  };

  it('logs disconnected when a stdio process dies after a success, and connected when it is back', async () => {
    expect((await check('local')).body.ok).toBe(true);
    const before = (await logTypes('local')).length;
    stdio.setBehaviour({ exitOnRequest: true });
    expect((await check('local')).body.error_kind).toBe('process_exit');
    expect((await check('local')).body.error_kind).toBe('process_exit'); // still down: once only
    stdio.setBehaviour({ exitOnRequest: false });
    expect((await check('local')).body.ok).toBe(true);
    expect((await logTypes('local')).slice(before)).toEqual([
      'disconnected',
      'health_check',
      'health_check',
      'connected',
      'health_check',
    ]);
  });

  it('logs disconnected when an HTTP server stops answering', async () => {
    const gone = await startUpstream('streamable_http');
    expect((await t.api('POST', '/api/v1/mcp/servers', gone.registration('gone'))).status).toBe(
      201,
    );
    try {
      expect((await check('gone')).body.ok).toBe(true);
      await gone.stop();
      const res = await check('gone');
      expect(res.body).toMatchObject({ ok: false, error_kind: 'unreachable' });
      expect((await logTypes('gone')).slice(-2)).toEqual(['disconnected', 'health_check']);
    } finally {
      await t.api('DELETE', '/api/v1/mcp/servers/gone');
    }
  });

  it("gives a new session the server's own timeout, and the ping the check timeout", async () => {
    const slow = await startUpstream('streamable_http');
    const created = await t.api('POST', '/api/v1/mcp/servers', {
      ...slow.registration('slow-start'),
      timeout_seconds: 10,
    });
    expect(created.status).toBe(201);
    try {
      // initialize and notifications/initialized take 2 x 2 s: over the 3 s check timeout,
      // within the server's 10 s. The ping then takes 2 s, within the check timeout.
      slow.setBehaviour({ delayMs: 2_000 });
      const res = await check('slow-start');
      expect(res.body).toMatchObject({ ok: true });
      expect(res.body.response_time_ms).toBeGreaterThanOrEqual(2_000);
      // A ping slower than the check timeout on the open session still fails as a timeout.
      slow.setBehaviour({ delayMs: 3_500 });
      expect((await check('slow-start')).body).toMatchObject({ ok: false, error_kind: 'timeout' });
    } finally {
      await t.api('DELETE', '/api/v1/mcp/servers/slow-start');
      await slow.stop();
    }
  }, 30_000);

  it('checks every active server at once', async () => {
    http.setBehaviour({ mode: 'failing' });
    const res = await t.api('POST', '/api/v1/mcp/servers/health-check');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ checked: 2, healthy: 1, failed: 1 });
    const byName = Object.fromEntries(
      res.body.results.map((r: { name: string; ok: boolean }) => [r.name, r.ok]),
    );
    expect(byName).toEqual({ local: true, web: false });
  });
});
