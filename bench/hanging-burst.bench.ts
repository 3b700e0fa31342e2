/**
 * A burst of tool calls against an upstream that stops answering (issue 13, defects 2 and 7):
 * CALLS concurrent calls to a server with a 5 s timeout whose upstream hangs. Prints how long the
 * callers waited (p50, p99, max: the target is the timeout plus a small bound), how a database
 * read of another server fared meanwhile, and where the breaker ended (one open, no failure
 * cycle: calls in flight when the circuit opened do not count as recovery probes).
 *
 *   npm run bench:hanging            (CALLS=200 ROUNDS=3 by default)
 */
import { RUNTIME_DEFAULTS } from '@omni2/contracts';
import { startHttpMcpServer } from '@omni2/testkit';
import { benchDatabase, fmt, startGateway, summarize } from './support';

const CALLS = Number(process.env.CALLS ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TIMEOUT_SECONDS = 5;

async function call(
  method: string,
  url: string,
  auth: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? JSON.parse(text) : null,
    ms: performance.now() - started,
  };
}

async function main(): Promise<void> {
  const upstream = await startHttpMcpServer({ protocol: 'streamable_http' });
  const db = await benchDatabase();
  const gateway = await startGateway(db.url);
  const api = gateway.api;
  const auth = gateway.auth;
  try {
    for (const name of ['slow', 'other']) {
      const created = await call('POST', `${api}/mcp/servers`, auth, {
        name,
        protocol: 'streamable_http',
        url: upstream.url,
        timeout_seconds: TIMEOUT_SECONDS,
      });
      if (created.status !== 201) throw new Error(`register: ${JSON.stringify(created.json)}`);
    }
    const breaker = await call('PUT', `${api}/config/circuit_breaker`, auth, {
      ...RUNTIME_DEFAULTS.circuit_breaker,
      auto_disable_enabled: false,
    });
    if (breaker.status !== 200) throw new Error(`breaker: ${JSON.stringify(breaker.json)}`);
    console.log(
      `${CALLS} concurrent calls, upstream hanging, server timeout ${TIMEOUT_SECONDS} s, ${ROUNDS} rounds`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      upstream.behaviour.mode = 'healthy';
      await call('POST', `${api}/mcp/servers/slow/circuit/reset`, auth);
      const check = await call('POST', `${api}/mcp/servers/slow/health-check`, auth);
      if (!check.json?.ok) throw new Error(`check before round: ${JSON.stringify(check.json)}`);
      upstream.behaviour.mode = 'hanging';

      let bursting = true;
      const reads: number[] = [];
      const reader = (async () => {
        while (bursting) {
          reads.push((await call('GET', `${api}/mcp/servers/other`, auth)).ms);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const calls = await Promise.all(
        Array.from({ length: CALLS }, () =>
          call('POST', `${api}/mcp/servers/slow/tools/echo/execute`, auth, {
            arguments: { text: 'x' },
          }),
        ),
      );
      bursting = false;
      await reader;
      const waited = summarize(calls.map((c) => c.ms));
      const slowest = Math.max(...calls.map((c) => c.ms));
      const read = summarize(reads);
      const statuses = new Map<number, number>();
      for (const c of calls) statuses.set(c.status, (statuses.get(c.status) ?? 0) + 1);
      const server = (await call('GET', `${api}/mcp/servers/slow`, auth)).json;
      console.log(
        `round ${round}: callers waited p50 ${fmt(waited.p50)}, p99 ${fmt(waited.p99)}, max ${fmt(slowest)} ` +
          `(${(slowest / (TIMEOUT_SECONDS * 1_000)).toFixed(2)}x the timeout); statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      console.log(
        `  database read of another server meanwhile (${reads.length}): p50 ${fmt(read.p50)}, ` +
          `p99 ${fmt(read.p99)}, max ${fmt(Math.max(...reads))}`,
      );
      console.log(
        `  breaker: ${server.circuit_state}, consecutive_failures ${server.consecutive_failures}, ` +
          `failure_cycles ${server.failure_cycles}, status ${server.status}`,
      );
    }
  } finally {
    upstream.behaviour.mode = 'healthy';
    await gateway.stop();
    await upstream.stop();
    await db.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
