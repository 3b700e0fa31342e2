import { startHttpMcpServer, type TestMcpServer } from '@omni2/testkit';
import { Client } from 'pg';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { pollUntil } from './support/poll';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { TEST_ADMIN, testEnv } from './support/test-app';

const SERVERS = 12;
const INTERVAL_S = 2;
const TICK_MS = 100;
/** max(5 s, 2 x OMNI2_WATCHDOG_STALL_MS): how long a silent replica counts as live. */
const DEAD_AFTER_MS = 5_000;
/** A claim's lease: the server's timeout (1 s) + 2 x the check timeout (1 s) + 2 s. */
const LEASE_MS = 5_000;

/** Three gateway processes on one database share the checks; one is killed mid-run. */
describe('several replicas on one database (e2e)', () => {
  let db: TestDatabase;
  let pg: Client;
  let upstream: TestMcpServer;
  const replicas: GatewayProcess[] = [];
  let token: string;

  const checksSince = async (since: Date) =>
    (
      await pg.query<{ server_id: string; at: Date }>(
        `SELECT server_id, created_at AS at FROM omni2.mcp_health_log
          WHERE event_type = 'health_check' AND created_at >= $1 ORDER BY created_at`,
        [since],
      )
    ).rows;

  const startReplica = () =>
    startGatewayProcess({
      ...testEnv(),
      DATABASE_URL: db.url,
      OMNI2_COORDINATOR_TICK_MS: String(TICK_MS),
      // A replica silent for max(5 s, 2 x stall) is dead to the others: 5 s here.
      OMNI2_WATCHDOG_STALL_MS: '1000',
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    upstream = await startHttpMcpServer({ protocol: 'streamable_http' });
    await pg.query(`UPDATE omni2.omni2_config SET value = $1 WHERE key = 'health_check'`, [
      {
        interval_seconds: INTERVAL_S,
        unhealthy_interval_seconds: INTERVAL_S,
        timeout_seconds: 1,
        concurrency: 10,
      },
    ]);
    for (let i = 0; i < 3; i++) {
      replicas.push(await startReplica());
    }
    // Any replica's token works on every replica: they share the signing secret and users.
    token = await replicas[0].login(TEST_ADMIN.username, TEST_ADMIN.password);
    for (let i = 0; i < SERVERS; i++) {
      const res = await replicas[i % 3].call(token, 'POST', '/mcp/servers', {
        name: `shared-${i}`,
        protocol: 'streamable_http',
        url: upstream.url,
        timeout_seconds: 1, // a claim's lease includes it: a killed replica's claims end sooner
      });
      expect(res.status).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.filter((r) => r.proc.exitCode === null).map((r) => r.stop()));
    await pg.end();
    await upstream.stop();
    await db.drop();
  });

  it('checks every server once per period, never twice at once', async () => {
    const since = new Date(Date.now() + 1_000); // past the first burst of registrations
    const rows = await pollUntil(
      () => checksSince(since),
      (r) => new Set(r.map((x) => x.server_id)).size === SERVERS && r.length >= SERVERS * 4,
      { what: 'four rounds of checks', timeoutMs: 30_000 },
    );
    const byServer = new Map<string, number[]>();
    for (const r of rows)
      byServer.set(r.server_id, [...(byServer.get(r.server_id) ?? []), r.at.getTime()]);
    for (const times of byServer.values()) {
      for (let i = 1; i < times.length; i++) {
        // The period plus at most 10% jitter, never a second check from another replica.
        expect(times[i] - times[i - 1]).toBeGreaterThan(INTERVAL_S * 1_000 * 0.9);
      }
    }
    const { rows: states } = await pg.query<{ health_status: string }>(
      'SELECT health_status FROM omni2.mcp_servers',
    );
    expect(states.every((s) => s.health_status === 'healthy')).toBe(true);
  });

  it('keeps checking every server after a replica is killed, within the documented bound', async () => {
    const holderOf = async () =>
      new Map(
        (
          await pg.query<{ id: string; holder: string }>(
            'SELECT id, COALESCE(claimed_by, checked_by) AS holder FROM omni2.mcp_servers',
          )
        ).rows.map((r) => [r.id, r.holder]),
      );
    const before = await holderOf();
    await replicas[1].kill();
    const killedAt = new Date();
    // The killed replica is the one whose heartbeat stops.
    const { rows: silent } = await pollUntil(
      () =>
        pg.query<{ id: string }>(
          `SELECT id FROM omni2.coordinator_replicas WHERE last_seen < now() - interval '1 second'`,
        ),
      (r) => r.rows.length === 1,
      { what: 'the killed replica to fall silent' },
    );
    const orphans = [...before].filter(([, holder]) => holder === silent[0].id).map(([id]) => id);
    expect(orphans.length).toBeGreaterThan(0);
    // OPERATIONS.md: its servers are checked again once its heartbeat is DEAD_AFTER old and they
    // are due; checks it had claimed wait out their lease.
    const bound = Math.max(DEAD_AFTER_MS + TICK_MS, LEASE_MS) + INTERVAL_S * 1_100 + 1_000;
    const rows = await pollUntil(
      () => checksSince(killedAt),
      (r) => new Set(r.map((x) => x.server_id)).size === SERVERS,
      { what: 'every server checked after the kill', timeoutMs: bound + 5_000 },
    );
    const firstAfter = (id: string) => rows.find((r) => r.server_id === id)!.at.getTime();
    const handover = orphans.map((id) => firstAfter(id) - killedAt.getTime());
    expect(Math.max(...handover)).toBeLessThan(bound);
    const ready = await fetch(`${replicas[0].api.replace('/api/v1', '')}/health/ready`);
    expect(ready.status).toBe(200);
  });

  it('gives a replica added later its share of servers that all have live owners', async () => {
    const holders = async () =>
      (
        await pg.query<{ checked_by: string; n: number }>(
          `SELECT checked_by, count(*)::int AS n FROM omni2.mcp_servers GROUP BY checked_by`,
        )
      ).rows;
    // Every replica that has ever ticked, whether or not it holds servers now.
    const before = new Set(
      (await pg.query<{ id: string }>('SELECT id FROM omni2.coordinator_replicas')).rows.map(
        (r) => r.id,
      ),
    );
    replicas.push(await startReplica());
    const joinedAt = new Date();
    const joinedMs = Date.now();
    // The newcomer takes servers until it holds its fair share: 12 / 3 live replicas = 4.
    const share = Math.ceil(
      SERVERS /
        replicas.filter((r) => r.proc.exitCode === null && r.proc.signalCode === null).length,
    );
    const after = await pollUntil(
      holders,
      (rows) => rows.some((h) => !before.has(h.checked_by) && h.n >= share),
      { what: 'the new replica to hold its share', timeoutMs: 15_000 },
    );
    expect(after.find((h) => !before.has(h.checked_by))!.n).toBe(share);
    // OPERATIONS.md: a new replica holds its share within one check interval (+10% jitter).
    expect(Date.now() - joinedMs).toBeLessThan(INTERVAL_S * 1_100 + 2_000);
    // Handing a server over never makes two replicas check it within one period.
    const rows = await checksSince(joinedAt);
    const last = new Map<string, number>();
    for (const r of rows) {
      const previous = last.get(r.server_id);
      if (previous !== undefined)
        expect(r.at.getTime() - previous).toBeGreaterThan(INTERVAL_S * 1_000 * 0.9);
      last.set(r.server_id, r.at.getTime());
    }
  });
});
