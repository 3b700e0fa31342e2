/**
 * Operations figures: the cost of a Prometheus scrape of `/metrics` with N checked servers (every
 * per-server series present, check histograms included), and how long a replica holding N live
 * MCP sessions takes to stop on SIGTERM (drain 0: close sockets, HTTP, sessions, flushes).
 *
 *   npm run bench:operations          (SERVERS=1000 SCRAPES=50)
 */
import { Client } from 'pg';
import {
  cpuSeconds,
  benchDatabase,
  getText,
  startGateway,
  startUpstreamProcess,
  summarize,
  fmt,
} from './support';

const SERVERS = Number(process.env.SERVERS ?? 1_000);
const SCRAPES = Number(process.env.SCRAPES ?? 50);

async function waitAllChecked(pg: Client, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM omni2.mcp_servers WHERE last_health_check IS NOT NULL`,
    );
    if (rows[0].n >= SERVERS) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0].n}/${SERVERS} checked`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const upstream = await startUpstreamProcess('streamable_http');
  const db = await benchDatabase();
  const pg = new Client({ connectionString: db.url });
  try {
    const migrate = await startGateway(db.url, { OMNI2_COORDINATOR: 'off' });
    await migrate.stop();
    await pg.connect();
    await pg.query(`UPDATE omni2.omni2_config SET value = $1 WHERE key = 'health_check'`, [
      {
        interval_seconds: 600,
        unhealthy_interval_seconds: 600,
        timeout_seconds: 10,
        concurrency: 200,
      },
    ]);
    await pg.query(
      `INSERT INTO omni2.mcp_servers (name, protocol, url, next_check_at)
       SELECT 'route-' || i, 'streamable_http', $1 || '/' || i, now()
       FROM generate_series(1, $2) AS i`,
      [upstream.url, SERVERS],
    );
    const gateway = await startGateway(db.url);
    const base = gateway.api.replace(/\/api\/v1$/, '');
    await waitAllChecked(pg, 300_000);

    const latencies: number[] = [];
    let text = '';
    for (let i = 0; i < 5; i++) text = await getText(`${base}/metrics`); // warm-up
    const cpuBefore = cpuSeconds(gateway.proc.pid!);
    for (let i = 0; i < SCRAPES; i++) {
      const started = performance.now();
      text = await getText(`${base}/metrics`);
      latencies.push(performance.now() - started);
    }
    const cpuPerScrape = ((cpuSeconds(gateway.proc.pid!) - cpuBefore) * 1_000) / SCRAPES;
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const { p50, p99 } = summarize(latencies);
    console.log(
      `GET /metrics with ${SERVERS} checked servers: ${(text.length / 1024).toFixed(0)} KiB, ${lines} samples`,
    );
    console.log(
      `  ${SCRAPES} sequential scrapes: p50 ${fmt(p50)}  p99 ${fmt(p99)}  max ${fmt(Math.max(...latencies))}`,
    );
    console.log(`  gateway CPU per scrape: ${cpuPerScrape.toFixed(1)} ms`);

    const exited = new Promise<number | null>((done) => gateway.proc.once('exit', done));
    const signalled = performance.now();
    gateway.proc.kill('SIGTERM');
    const code = await exited;
    console.log(
      `SIGTERM with ${SERVERS} live MCP sessions (drain 0): exit ${code} after ${fmt(performance.now() - signalled)}`,
    );
  } finally {
    await pg.end().catch(() => undefined);
    await upstream.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
