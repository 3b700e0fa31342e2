/**
 * A testkit upstream in its own process, as real MCP servers are: both the direct client and
 * omni2 then cross a process boundary to reach it, so the comparison is like for like.
 * Prints the server URL as its first line on stdout; stops on SIGTERM. On SIGUSR2 it prints one
 * line `calls {"<method>": <count>, ...}`: the requests it has served so far, by method.
 *
 *   node upstream-process.js [streamable_http|sse] [legacy|modern]
 *
 * `modern` serves the 2026-07-28 revision only (stateless, SDK v2) instead of the 2025 ones;
 * either way every `/mcp/<route>` is an upstream of its own. `UPSTREAM_REPLAY=1` (modern) replays
 * the SDK's first answer to discover and the lists instead of building a server per request, so
 * that a bench measures omni2 rather than the SDK's per-request cost.
 */
import { startHttpMcpServer, startModernHttpMcpServer } from '@omni2/testkit';

async function main(): Promise<void> {
  const protocol = process.argv[2] === 'sse' ? 'sse' : 'streamable_http';
  const server =
    process.argv[3] === 'modern'
      ? await startModernHttpMcpServer({
          era: 'modern',
          // Each route is a server of its own, each with the SDK's 1,024 listen streams to give.
          maxSubscriptions: 1_000_000,
          replayReads: process.env.UPSTREAM_REPLAY === '1',
        })
      : await startHttpMcpServer({ protocol });
  process.stdout.write(`${server.url}\n`);
  process.on('SIGUSR2', () => {
    const counts: Record<string, number> = {};
    for (const call of server.calls) counts[call.method] = (counts[call.method] ?? 0) + 1;
    process.stdout.write(`calls ${JSON.stringify(counts)}\n`);
  });
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
}

void main();
