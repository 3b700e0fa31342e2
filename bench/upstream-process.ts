/**
 * A testkit upstream in its own process, as real MCP servers are: both the direct client and
 * omni2 then cross a process boundary to reach it, so the comparison is like for like.
 * Prints the server URL as its first line on stdout; stops on SIGTERM.
 *
 *   node upstream-process.js [streamable_http|sse] [legacy|modern]
 *
 * `modern` serves the 2026-07-28 revision only (stateless, SDK v2) instead of the 2025 ones;
 * either way every `/mcp/<route>` is an upstream of its own.
 */
import { startHttpMcpServer, startModernHttpMcpServer } from '@omni2/testkit';

async function main(): Promise<void> {
  const protocol = process.argv[2] === 'sse' ? 'sse' : 'streamable_http';
  const server =
    process.argv[3] === 'modern'
      ? await startModernHttpMcpServer({ era: 'modern' })
      : await startHttpMcpServer({ protocol });
  process.stdout.write(`${server.url}\n`);
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
}

void main();
