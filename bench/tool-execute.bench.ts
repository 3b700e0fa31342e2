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
  postJson,
  startGateway,
  startUpstreamProcess,
  summarize,
} from './support';

const ITERATIONS = Number(process.env.ITERATIONS ?? 2_000);
const WARMUP = 200;

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
    const created = await postJson(`${gateway.api}/mcp/servers`, {
      name: 'bench',
      protocol: 'streamable_http',
      url: upstream.url,
    });
    if (created.status !== 201) throw new Error(`register failed: ${JSON.stringify(created.json)}`);

    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(upstream.url)));
    const direct = () =>
      client.callTool({ name: 'echo', arguments: { text: 'hi' } }).then(() => undefined);
    const viaOmni2 = async () => {
      const res = await postJson(`${gateway.api}/mcp/servers/bench/tools/echo/execute`, {
        arguments: { text: 'hi' },
      });
      if (res.status !== 200) throw new Error(`execute failed: ${JSON.stringify(res.json)}`);
    };

    await time(direct, WARMUP);
    await time(viaOmni2, WARMUP);
    // Interleave rounds so machine noise lands on both sides alike.
    const d: number[] = [];
    const o: number[] = [];
    for (let round = 0; round < 10; round++) {
      d.push(...(await time(direct, ITERATIONS / 10)));
      o.push(...(await time(viaOmni2, ITERATIONS / 10)));
    }
    const ds = summarize(d);
    const os = summarize(o);
    console.log(
      `tool execute, ${ITERATIONS} sequential calls each (echo, streamable_http, loopback)`,
    );
    console.log(`  direct SDK   p50 ${fmt(ds.p50)}  p99 ${fmt(ds.p99)}`);
    console.log(`  via omni2    p50 ${fmt(os.p50)}  p99 ${fmt(os.p99)}`);
    console.log(
      `  added at p50 ${fmt(os.p50 - ds.p50)}  ratio p50 ${(os.p50 / ds.p50).toFixed(2)}x`,
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
