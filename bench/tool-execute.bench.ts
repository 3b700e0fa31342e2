/**
 * Tool execution overhead: the same trivial tool on the same testkit server (its own process),
 * called directly with the SDK client and through omni2's POST /tools/:tool/execute. Prints p50/p99 of both, the
 * difference and the ratio. Target (issue 2): omni2 adds under 1 ms at p50.
 *
 *   npm run bench:execute            (ITERATIONS=2000 by default)
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  benchDatabase,
  fmt,
  getText,
  postJson,
  startGateway,
  startUpstreamProcess,
  summarize,
} from './support';

const ITERATIONS = Number(process.env.ITERATIONS ?? 2_000);
const WARMUP = 200;
const ROUNDS = 20;

async function time(fn: () => Promise<void>, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const upstream = await startUpstreamProcess('streamable_http');
  const db = await benchDatabase();
  const gateway = await startGateway(db.url);
  console.log(`bench pid ${process.pid}, gateway pid ${gateway.proc.pid}`);
  try {
    const created = await postJson(
      `${gateway.api}/mcp/servers`,
      {
        name: 'bench',
        protocol: 'streamable_http',
        url: upstream.url,
      },
      gateway.auth,
    );
    if (created.status !== 201) throw new Error(`register failed: ${JSON.stringify(created.json)}`);

    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(upstream.url)));
    const direct = () =>
      client.callTool({ name: 'echo', arguments: { text: 'hi' } }).then(() => undefined);
    const viaOmni2 = async () => {
      const res = await postJson(
        `${gateway.api}/mcp/servers/bench/tools/echo/execute`,
        {
          arguments: { text: 'hi' },
        },
        gateway.auth,
      );
      if (res.status !== 200) throw new Error(`execute failed: ${JSON.stringify(res.json)}`);
    };

    const live = gateway.api.replace('/api/v1', '/health/live');
    const hop = () => getText(live).then(() => undefined);
    await time(direct, WARMUP);
    await time(viaOmni2, WARMUP);
    await time(hop, WARMUP);
    // Interleaved rounds, so machine noise lands on both sides alike; each round gives one
    // difference of p50s, and the median of those is robust to a noisy round.
    const d: number[] = [];
    const o: number[] = [];
    const h: number[] = [];
    const added: number[] = [];
    const perRound = ITERATIONS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      const rd = await time(direct, perRound);
      const ro = await time(viaOmni2, perRound);
      h.push(...(await time(hop, perRound / 4)));
      d.push(...rd);
      o.push(...ro);
      added.push(summarize(ro).p50 - summarize(rd).p50);
    }
    const ds = summarize(d);
    const os = summarize(o);
    const sortedAdded = [...added].sort((a, b) => a - b);
    console.log(
      `tool execute, ${ITERATIONS} sequential calls each in ${ROUNDS} interleaved rounds`,
    );
    console.log(`  direct SDK   p50 ${fmt(ds.p50)}  p99 ${fmt(ds.p99)}`);
    console.log(`  via omni2    p50 ${fmt(os.p50)}  p99 ${fmt(os.p99)}`);
    console.log(
      `  added at p50 (pooled) ${fmt(os.p50 - ds.p50)}  ratio ${(os.p50 / ds.p50).toFixed(2)}x`,
    );
    console.log(
      `  added at p50 per round: median ${fmt(sortedAdded[Math.floor(ROUNDS / 2)])}, ` +
        `range ${fmt(sortedAdded[0])} .. ${fmt(sortedAdded[ROUNDS - 1])}`,
    );
    console.log(
      `  floor: a bare HTTP hop to omni2 (GET /health/live) p50 ${fmt(summarize(h).p50)}`,
    );
    await client.close();
  } finally {
    await gateway.stop();
    await upstream.stop();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
