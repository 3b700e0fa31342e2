/**
 * A testkit upstream in its own process, as real MCP servers are: both the direct client and
 * omni2 then cross a process boundary to reach it, so the comparison is like for like.
 * Prints the server URL as its first line on stdout; stops on SIGTERM.
 */
import { startHttpMcpServer } from '@omni2/testkit';

async function main(): Promise<void> {
  const protocol = process.argv[2] === 'sse' ? 'sse' : 'streamable_http';
  const server = await startHttpMcpServer({ protocol });
  process.stdout.write(`${server.url}\n`);
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
}

void main();
