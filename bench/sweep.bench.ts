/**
 * Coordinator sweep: N servers (one testkit process, a route per server) checked by one replica,
 * then by two sharing the work. Prints the time for the first sweep (connect + initialize + ping
 * for every server), a steady-state sweep on live sessions, and the gateway's CPU time and RSS.
 * Target (issue 3): 10,000 servers, sweep under 30 s, gateway under 500 MB RSS.
 * `ERA=modern` makes every server a 2026-07-28-only one (stateless: each check is a
 * `server/discover`, no session) instead of a 2025 one.
 *
 * `UPSTREAM_REPLAY=1` (modern only) has the upstream replay the SDK's answers instead of building
 * a server per request, so the upstream is not what a modern sweep waits for (see RESULTS.md).
 *
 *   SERVERS=1000 npm run bench:sweep        (REPLICAS=1|2, CONCURRENCY=200, ERA=legacy|modern)
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import {
  benchDatabase,
  cpuSeconds,
  getText,
  machineCpu,
  startGateway,
  startUpstreamProcess,
  type GatewayProcess,
} from './support';

const SERVERS = Number(process.env.SERVERS ?? 1_000);
const REPLICAS = Number(process.env.REPLICAS ?? 1);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 200);
const ERA = (process.env.ERA ?? 'legacy') as 'legacy' | 'modern';
/** ALERT_RULE=1: a server_down rule (with a channel) covers every server, as in production. */
const ALERT_RULE = process.env.ALERT_RULE === '1';
if (!['legacy', 'modern'].includes(ERA)) throw new Error(`ERA is legacy or modern, not ${ERA}`);

function procStats(pid: number): { cpuSeconds: number; rssMb: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, in clock ticks
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

async function waitAllCheckedAfter(pg: Client, since: Date, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM omni2.mcp_servers WHERE last_health_check >= $1`,
      [since],
    );
    if (rows[0].n >= SERVERS) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`only ${rows[0].n}/${SERVERS} checked after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Where the RSS goes, from the gateway's own /metrics (prom-client's process metrics). */
async function memoryBreakdown(g: GatewayProcess): Promise<string> {
  const text = await getText(g.api.replace(/\/api\/v1$/, '/metrics'));
  const mb = (name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? `${(Number(match[1]) / 1024 / 1024).toFixed(0)} MB` : '?';
  };
  return (
    `heap used ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')}, ` +
    `external ${mb('nodejs_external_memory_bytes')}, RSS ${mb('process_resident_memory_bytes')}`
  );
}

/** How many servers each replica checked last, largest first. */
async function split(pg: Client): Promise<string> {
  const { rows } = await pg.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM omni2.mcp_servers GROUP BY checked_by ORDER BY 1 DESC`,
  );
  return rows.map((r) => r.n).join(' / ');
}

/** Requests by method between two tallies, per server: what one check costs the upstream. */
function perServer(now: Record<string, number>, then: Record<string, number>): string {
  const parts = Object.entries(now)
    .map(([method, n]) => [method, n - (then[method] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([method, n]) => `${method} ${(n / SERVERS).toFixed(2)}`);
  return `${parts.join(', ') || 'none'} (per server)`;
}

async function main(): Promise<void> {
  const upstream = await startUpstreamProcess('streamable_http', ERA);
  const db = await benchDatabase();
  const gateways: GatewayProcess[] = [];
  const pg = new Client({ connectionString: db.url });
  try {
    // The first gateway migrates; servers and settings go in before any coordinator can run.
    const first = await startGateway(db.url, { OMNI2_COORDINATOR: 'off' });
    await first.stop();
    await pg.connect();
    await pg.query(`UPDATE omni2.omni2_config SET value = $1 WHERE key = 'health_check'`, [
      {
        interval_seconds: 60,
        unhealthy_interval_seconds: 30,
        timeout_seconds: 10,
        concurrency: CONCURRENCY,
      },
    ]);
    await pg.query(
      `INSERT INTO omni2.mcp_servers (name, protocol, url, next_check_at)
       SELECT 'route-' || i, 'streamable_http', $1 || '/' || i, now() + interval '1 hour'
       FROM generate_series(1, $2) AS i`,
      [upstream.url, SERVERS],
    );
    if (ALERT_RULE) {
      const [channel] = (
        await pg.query<{ id: string }>(
          `INSERT INTO omni2.alert_channels (name, kind, config)
           VALUES ('bench', 'webhook', 'unused: never sent, nothing fails') RETURNING id`,
        )
      ).rows;
      await pg.query(
        `INSERT INTO omni2.alert_rules (name, events, channel_ids, reminder_interval_seconds)
         VALUES ('bench', '{server_down,server_recovered,auth_required}', $1, 600)`,
        [[channel.id]],
      );
    }
    for (let i = 0; i < REPLICAS; i++) gateways.push(await startGateway(db.url));
    const before = gateways.map((g) => procStats(g.proc.pid!));
    const upstreamBefore = cpuSeconds(upstream.pid);
    const machineBefore = machineCpu();

    const t0 = new Date();
    await pg.query(`UPDATE omni2.mcp_servers SET next_check_at = now()`);
    const firstSweep = await waitAllCheckedAfter(pg, t0, 300_000);
    const afterFirst = gateways.map((g) => procStats(g.proc.pid!));
    const upstreamFirst = cpuSeconds(upstream.pid);
    const machineFirst = machineCpu();

    const splitFirst = await split(pg);

    const callsFirst = await upstream.calls();
    const t1 = new Date();
    await pg.query(`UPDATE omni2.mcp_servers SET next_check_at = now()`);
    const steadySweep = await waitAllCheckedAfter(pg, t1, 300_000);
    const callsSteady = await upstream.calls();
    const afterSteady = gateways.map((g) => procStats(g.proc.pid!));
    const upstreamSteady = cpuSeconds(upstream.pid);
    const machineSteady = machineCpu();
    const busy = (from: typeof machineBefore, to: typeof machineBefore) =>
      `${((100 * (to.busy - from.busy)) / (to.total - from.total)).toFixed(0)}%`;

    // A session opened during the steady sweep is a server that changed replica (or lost its
    // session): with affinity working this is zero.
    const reopened = await pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM omni2.mcp_health_log
        WHERE event_type = 'connected' AND created_at >= $1`,
      [t1],
    );
    // The probe's own round trip as each check recorded it: the upstream's latency under load.
    const latency = await pg.query<{ p50: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time_ms) AS p99,
              max(response_time_ms) AS max
         FROM omni2.mcp_health_log WHERE event_type = 'health_check' AND created_at >= $1`,
      [t1],
    );
    const { rows } = await pg.query<{ status: string; n: number }>(
      `SELECT health_status AS status, count(*)::int AS n FROM omni2.mcp_servers GROUP BY 1`,
    );
    console.log(
      `sweep: ${SERVERS} ${ERA} servers, ${REPLICAS} replica(s), concurrency ${CONCURRENCY} each` +
        (process.env.UPSTREAM_REPLAY === '1' ? ', upstream replaying the SDK answers' : '') +
        (ALERT_RULE ? ', a server_down rule on every server' : ''),
    );
    console.log(`  first sweep (connect + handshake + check): ${firstSweep.toFixed(1)} s`);
    console.log(`  steady sweep (known servers, check):       ${steadySweep.toFixed(1)} s`);
    gateways.forEach((_, i) => {
      const cpuFirst = afterFirst[i].cpuSeconds - before[i].cpuSeconds;
      const cpuSteady = afterSteady[i].cpuSeconds - afterFirst[i].cpuSeconds;
      console.log(
        `  replica ${i + 1}: CPU ${cpuFirst.toFixed(1)} s (first) + ${cpuSteady.toFixed(1)} s (steady), ` +
          `RSS ${afterSteady[i].rssMb.toFixed(0)} MB, peak ${afterSteady[i].peakRssMb.toFixed(0)} MB`,
      );
    });
    for (const [i, g] of gateways.entries()) {
      console.log(`  replica ${i + 1} memory: ${await memoryBreakdown(g)}`);
    }
    console.log(
      `  upstream CPU ${(upstreamFirst - upstreamBefore).toFixed(1)} s (first) + ` +
        `${(upstreamSteady - upstreamFirst).toFixed(1)} s (steady); machine busy ` +
        `${busy(machineBefore, machineFirst)} (first), ${busy(machineFirst, machineSteady)} (steady)`,
    );
    console.log(`  sessions opened during the steady sweep: ${reopened.rows[0].n}`);
    const ms = (v: number) => `${Number(v).toFixed(1)} ms`;
    const l = latency.rows[0];
    console.log(`  steady probe round trip: p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)}`);
    console.log(`  upstream requests, first sweep: ${perServer(callsFirst, {})}`);
    console.log(`  upstream requests, steady sweep: ${perServer(callsSteady, callsFirst)}`);
    if (REPLICAS > 1) {
      console.log(`  servers per replica after the first sweep: ${splitFirst}`);
      console.log(`  servers per replica after the steady sweep: ${await split(pg)}`);
      // Replicas even out their shares over the sweeps; a third shows where that settles.
      const t2 = new Date();
      await pg.query(`UPDATE omni2.mcp_servers SET next_check_at = now()`);
      const third = await waitAllCheckedAfter(pg, t2, 300_000);
      const moved = await pg.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM omni2.mcp_health_log
          WHERE event_type = 'connected' AND created_at >= $1`,
        [t2],
      );
      console.log(
        `  third sweep: ${third.toFixed(1)} s, ${moved.rows[0].n} sessions opened, ` +
          `servers per replica after it: ${await split(pg)}`,
      );
    }
    console.log(`  statuses: ${rows.map((r) => `${r.status}=${r.n}`).join(', ')}`);
  } finally {
    await pg.end().catch(() => undefined);
    await Promise.all(gateways.map((g) => g.stop()));
    await upstream.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
