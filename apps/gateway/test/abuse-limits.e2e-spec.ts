import { pollUntil } from './support/poll';
import { TEST_USER_PASSWORD, startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/** Rate limits and hostile input (SPEC §6). A separate app: the limits are tuned down here. */
describe('abuse limits and hostile input (e2e)', () => {
  let t: TestApp;
  let upstream: Upstream;

  beforeAll(async () => {
    t = await startTestApp();
    upstream = await startUpstream('streamable_http');
    expect((await t.api('POST', '/api/v1/mcp/servers', upstream.registration('up'))).status).toBe(
      201,
    );
    await t.tokenFor('operator');
  });

  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const limits = (patch: Record<string, number>) =>
    t.api('PUT', '/api/v1/config/rate_limits', {
      login_attempts_per_minute: 1000,
      login_lockout_threshold: 5,
      login_lockout_seconds: 30,
      login_lockout_max_seconds: 900,
      tool_executions_per_minute: 1000,
      ...patch,
    });
  const login = (username: string, password: string) =>
    t.api('POST', '/api/v1/auth/login', { username, password }, { token: null });

  it('locks a user name after consecutive failures, with Retry-After, then lets it back', async () => {
    expect((await limits({ login_lockout_threshold: 3, login_lockout_seconds: 2 })).status).toBe(
      200,
    );
    for (let i = 0; i < 3; i++) expect((await login('operator-user', 'wrong')).status).toBe(401);
    const locked = await login('operator-user', TEST_USER_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    // Unknown names lock the same way, so a lockout does not reveal who has an account.
    for (let i = 0; i < 3; i++) expect((await login('nobody', 'wrong')).status).toBe(401);
    expect((await login('nobody', 'wrong')).status).toBe(429);

    const back = await pollUntil(
      () => login('operator-user', TEST_USER_PASSWORD),
      (r) => r.status !== 429,
      {
        timeoutMs: 6_000,
        intervalMs: 250,
        what: 'lockout to expire',
      },
    );
    expect(back.status).toBe(200);
  });

  it('doubles the lockout with each further failure, up to the cap', async () => {
    await limits({
      login_lockout_threshold: 1,
      login_lockout_seconds: 1,
      login_lockout_max_seconds: 3,
    });
    const periods: number[] = [];
    for (let round = 0; round < 3; round++) {
      // Attempts while locked are refused before the password is read and do not count; the
      // first attempt after the lock is a real failure that locks for twice as long.
      await pollUntil(
        () => login('alice', 'wrong'),
        (r) => r.status === 401,
        {
          timeoutMs: 8_000,
          intervalMs: 100,
          what: `lock ${round} to expire`,
        },
      );
      periods.push(Number((await login('alice', 'wrong')).headers.get('retry-after')));
    }
    expect(periods).toEqual([1, 2, 3]);
  });

  it('limits login attempts per client address', async () => {
    await limits({ login_attempts_per_minute: 3 });
    // Whatever this minute's window already holds, a fourth attempt in it is over the limit.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login('someone', 'x')).status);
    expect(statuses).toContain(429);
    const res = await login('someone', 'x');
    expect(res.status).toBe(429);
    expect(res.body.message).toMatch(/from this address/);
    await limits({});
  });

  it('limits tool executions per caller, answering 429 with Retry-After', async () => {
    await limits({ tool_executions_per_minute: 3 });
    const operator = await t.tokenFor('operator');
    const run = (token: string) =>
      t.api(
        'POST',
        '/api/v1/mcp/servers/up/tools/echo/execute',
        { arguments: { text: 'hi' } },
        { token },
      );
    for (let i = 0; i < 3; i++) {
      const res = await run(operator);
      expect([res.status, res.text]).toEqual([200, expect.any(String)]);
    }
    const limited = await run(operator);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(20);
    // Another caller has its own budget.
    expect((await run(t.adminToken)).status).toBe(200);
    await limits({});
  });

  it('refuses oversized bodies with 413 and keeps nothing', async () => {
    const huge = {
      name: 'big',
      protocol: 'streamable_http',
      url: upstream.http!.url,
      description: 'x'.repeat(2_000_000),
    };
    const res = await t.api('POST', '/api/v1/mcp/servers', huge);
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/request body/);
    expect((await t.api('GET', '/api/v1/mcp/servers/big')).status).toBe(404);
  });

  it('treats SQL-looking input as data', async () => {
    const sqlName = "x'; DROP TABLE omni2.users; --";
    const bad = await t.api('POST', '/api/v1/mcp/servers', {
      name: sqlName,
      protocol: 'sse',
      url: 'http://127.0.0.1:9/sse',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('name');
    const search = await t.api('GET', `/api/v1/mcp/servers?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(0);
    expect((await login(sqlName, "' OR '1'='1")).status).toBe(401);
    expect(
      (await t.api('GET', `/api/v1/mcp/servers/${encodeURIComponent("up' OR '1'='1")}`)).status,
    ).toBe(404);
    expect((await t.api('GET', '/api/v1/users')).status).toBe(200);
  });
});
