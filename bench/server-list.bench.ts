/**
 * GET /api/v1/mcp/servers with 1,000 registered servers under a fixed offered load (autocannon,
 * 200 requests/s by default, open loop) with latency p50/p99, then peak throughput (autocannon).
 * Target (issue 2): p99 under 20 ms at 200 requests/s on a 2-core machine.
 *
 *   npm run bench:list               (SERVERS=1000 RATE=200 DURATION=15)
 */
import autocannon from 'autocannon';
import { Client } from 'pg';
import { benchDatabase, fmt, openLoopGet, startGateway, summarize } from './support';

const SERVERS = Number(process.env.SERVERS ?? 1_000);
const RATE = Number(process.env.RATE ?? 200);
const DURATION = Number(process.env.DURATION ?? 15);

async function main(): Promise<void> {
  const db = await benchDatabase();
  const gateway = await startGateway(db.url);
  try {
    // Rows shaped like checked servers, inserted in one statement (the API path is not measured).
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(
      // Loopback URLs on the discard port: nothing here is ever connected to, and if it were,
      // only this machine would see it.
      `INSERT INTO omni2.mcp_servers (name, description, protocol, url, health_status, last_health_check,
         last_success_at, last_response_time_ms, capability_counts, next_check_at)
       SELECT 'server-' || lpad(i::text, 5, '0'), 'benchmark server ' || i, 'streamable_http',
              'http://127.0.' || (i % 250) || '.' || (1 + i % 200) || ':9/mcp', 'healthy', now(), now(),
              random() * 20, '{"tools":12,"prompts":2,"resources":3}', now() + interval '60 seconds'
       FROM generate_series(1, $1) AS i`,
      [SERVERS],
    );
    // Benchmarks only ever point at this machine: refuse to run with any other address.
    const { rows } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM omni2.mcp_servers WHERE url !~ '^http://127\\.'`,
    );
    if (rows[0].n > 0) throw new Error(`${rows[0].n} servers point outside loopback`);
    await pg.end();

    const url = `${gateway.api}/mcp/servers`;
    const probe = await fetch(url, { headers: { 'accept-encoding': 'identity', ...gateway.auth } });
    const body = (await probe.json()) as { total: number };
    const bytes = Number(probe.headers.get('content-length') ?? 0);
    if (body.total !== SERVERS) throw new Error(`expected ${SERVERS} servers, got ${body.total}`);
    console.log(
      `GET /api/v1/mcp/servers with ${SERVERS} servers (${(bytes / 1024).toFixed(0)} KiB)`,
    );
    console.log(`  offered ${RATE} req/s for ${DURATION} s`);
    const clients: [string, Record<string, string>][] = [
      ['identity', { ...gateway.auth }],
      ['gzip (browsers)', { 'accept-encoding': 'gzip', ...gateway.auth }],
    ];
    for (const [label, headers] of clients) {
      await openLoopGet(url, { rate: RATE, seconds: 3, headers }); // warm-up
      const run = await openLoopGet(url, { rate: RATE, seconds: DURATION, headers });
      const { p50, p99 } = summarize(run.latencies);
      const max = Math.max(...run.latencies);
      console.log(
        `  ${label}, open loop at ${RATE} req/s: ${run.achievedRate.toFixed(1)} req/s, errors ${run.errors}`,
      );
      console.log(`    latency p50 ${fmt(p50)}  p99 ${fmt(p99)}  max ${fmt(max)}`);
      const peak = await autocannon({ url, headers, connections: 10, duration: 5 });
      console.log(
        `    peak (autocannon, 10 connections, no rate limit): ${peak.requests.average.toFixed(0)} req/s`,
      );
    }
  } finally {
    await gateway.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
