import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { io } from 'socket.io-client';
import { pollUntil } from './support/poll';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { processesMatching } from './support/processes';
import { TEST_ADMIN, testEnv } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startUpstream, type Upstream } from './support/upstreams';

const REDIS_URL = 'redis://127.0.0.1:6379';

function exitOf(g: GatewayProcess): Promise<number | null> {
  return new Promise((done) => {
    if (g.proc.exitCode !== null) done(g.proc.exitCode);
    else g.proc.once('exit', (code) => done(code));
  });
}

const status = (url: string) =>
  fetch(url).then(
    (r) => r.status,
    () => 0,
  );

/** SIGTERM sent to the built gateway running as its own process, as Kubernetes does. */
describe('graceful shutdown of a gateway process (e2e)', () => {
  let db: TestDatabase;
  let pg: Client;
  let stdio: Upstream;
  let http: Upstream;
  let g: GatewayProcess | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    stdio = await startUpstream('stdio');
    http = await startUpstream('streamable_http');
  });

  afterAll(async () => {
    if (g && g.proc.exitCode === null) await g.kill();
    await pg.end();
    await db.drop();
    await stdio.stop();
    await http.stop();
  });

  async function start(env: Record<string, string>): Promise<{ g: GatewayProcess; token: string }> {
    g = await startGatewayProcess({ ...testEnv(), DATABASE_URL: db.url, ...env });
    return { g, token: await g.login(TEST_ADMIN.username, TEST_ADMIN.password) };
  }

  it('fails readiness, keeps serving while draining, tells sockets to reconnect, flushes, exits 0', async () => {
    const namespace = `t${randomBytes(4).toString('hex')}`;
    const { g, token } = await start({
      REDIS_URL,
      OMNI2_REDIS_NAMESPACE: namespace,
      OMNI2_SHUTDOWN_DRAIN_MS: '6000',
      OMNI2_COORDINATOR_TICK_MS: '100',
    });
    await g.call(token, 'PUT', '/config/health_check', {
      interval_seconds: 1,
      unhealthy_interval_seconds: 1,
      timeout_seconds: 10,
      concurrency: 10,
    });
    expect((await g.call(token, 'POST', '/mcp/servers', stdio.registration('local'))).status).toBe(
      201,
    );
    // Checks of this one take 400 ms: some are in flight when the signal comes.
    http.setBehaviour({ delayMs: 400 });
    expect((await g.call(token, 'POST', '/mcp/servers', http.registration('slowish'))).status).toBe(
      201,
    );
    const marker = stdio.stdio!.env.TESTKIT_CONTROL_FILE;
    await pollUntil(
      () => processesMatching(marker),
      (pids) => pids.length === 1,
      { what: 'stdio child running', timeoutMs: 20_000 },
    );
    const socket = io(`${g.base}/events`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    const told: unknown[] = [];
    socket.on('server_shutdown', (m) => told.push(m));
    const disconnected = new Promise<string>((done) => socket.on('disconnect', done));
    await new Promise<void>((done, fail) => {
      socket.once('connect', done);
      socket.once('connect_error', fail);
    });

    const exited = exitOf(g);
    const signalledAt = Date.now();
    g.proc.kill('SIGTERM');
    await pollUntil(
      () => status(`${g.base}/health/ready`),
      (s) => s === 503,
      { what: 'readiness failing', timeoutMs: 5_000, intervalMs: 20 },
    );
    // Draining: still alive and still serving requests already routed here.
    expect(await status(`${g.base}/health/live`)).toBe(200);
    const during = await g.call(token, 'POST', '/mcp/servers/local/health-check');
    expect([during.status, during.body.ok]).toEqual([200, true]);

    expect(await disconnected).toBe('transport close'); // what Socket.IO clients retry on
    expect(told).toEqual([{ reason: expect.stringMatching(/shutting down/), reconnect: true }]);
    socket.close();
    expect(await exited).toBe(0);
    const tookMs = Date.now() - signalledAt;
    expect(tookMs).toBeGreaterThanOrEqual(6_000); // the drain was honoured
    expect(tookMs).toBeLessThan(20_000); // the default bound

    // The audit entry of the request served while draining was flushed.
    const audit = await pg.query(
      `SELECT action FROM omni2.audit_log WHERE action = 'server.check' AND target_name = 'local'`,
    );
    expect(audit.rowCount).toBe(1);
    // Its events were appended to Redis before the exit.
    const redis = new Redis(REDIS_URL);
    try {
      const entries = await redis.xrange(`${namespace}:system:events`, '-', '+');
      const checks = entries
        .map(
          ([, fields]) =>
            JSON.parse(fields[1]) as { type: string; mcp_name: string; timestamp: string },
        )
        .filter((e) => e.type === 'mcp_health_check' && e.mcp_name === 'local');
      expect(checks.some((e) => Date.parse(e.timestamp) >= signalledAt)).toBe(true);
    } finally {
      redis.disconnect();
    }
    // No check left leased to the replica that left; its heartbeat is gone.
    const leased = await pg.query(
      `SELECT name FROM omni2.mcp_servers WHERE claimed_by IS NOT NULL OR next_check_at > now() + interval '5 seconds'`,
    );
    expect(leased.rows).toEqual([]);
    expect((await pg.query(`SELECT id FROM omni2.coordinator_replicas`)).rowCount).toBe(0);
    // MCP sessions closed: the stdio child is gone.
    await pollUntil(
      () => processesMatching(marker),
      (pids) => pids.length === 0,
      { what: 'stdio child gone', timeoutMs: 10_000 },
    );
  });

  it('SIGHUP, SIGQUIT and SIGUSR2 run the same drain and close as SIGTERM', async () => {
    for (const signal of ['SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const) {
      const { g } = await start({ OMNI2_SHUTDOWN_DRAIN_MS: '1500' });
      const exited = exitOf(g);
      g.proc.kill(signal);
      // Draining (readiness 503 while still serving) shows the sequence ran, not an abrupt exit.
      await pollUntil(
        () => status(`${g.base}/health/ready`),
        (s) => s === 503,
        { what: `draining after ${signal}`, timeoutMs: 10_000, intervalMs: 20 },
      );
      expect(await exited).toBe(0);
    }
  });

  it('a second signal ends a shutdown that is still draining', async () => {
    const { g } = await start({
      OMNI2_SHUTDOWN_DRAIN_MS: '60000',
      OMNI2_SHUTDOWN_TIMEOUT_MS: '120000',
    });
    const exited = exitOf(g);
    g.proc.kill('SIGTERM');
    await pollUntil(
      () => status(`${g.base}/health/ready`),
      (s) => s === 503,
      { what: 'draining', timeoutMs: 10_000, intervalMs: 20 },
    );
    const secondAt = Date.now();
    g.proc.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(Date.now() - secondAt).toBeLessThan(10_000);
  });

  it('the deadline ends a shutdown that cannot finish', async () => {
    const hanging = await startUpstream('streamable_http', { mode: 'hanging' });
    try {
      const { g, token } = await start({
        OMNI2_SHUTDOWN_TIMEOUT_MS: '2000',
        OMNI2_COORDINATOR_TICK_MS: '100',
      });
      await g.call(token, 'PUT', '/config/health_check', {
        interval_seconds: 60,
        unhealthy_interval_seconds: 60,
        timeout_seconds: 30,
        concurrency: 10,
      });
      await g.call(token, 'POST', '/mcp/servers', hanging.registration('stuck'));
      // A scheduled check is now waiting on the upstream for up to 30 s.
      await pollUntil(
        () => hanging.calls().length,
        (n) => n > 0,
        { what: 'check in flight', timeoutMs: 10_000 },
      );
      const exited = exitOf(g);
      const signalledAt = Date.now();
      g.proc.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_900);
    } finally {
      await hanging.stop();
    }
  });
});
