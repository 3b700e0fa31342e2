import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareStdioMcpServer, type StdioMcpServerHandle } from '@omni2/testkit';
import { pollUntil } from './support/poll';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { processesMatching } from './support/processes';

/** omni2 as `npm start` runs it: the built gateway in embedded mode, as a real process. */
describe('the omni2 process in embedded mode (e2e)', () => {
  let dataDir: string;
  let stdio: StdioMcpServerHandle;
  let gateway: GatewayProcess | null = null;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'omni2-proc-'));
    stdio = prepareStdioMcpServer();
  });

  afterAll(async () => {
    await gateway?.kill();
    await stdio.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    gateway = await startGatewayProcess({ OMNI2_DATA_DIR: dataDir });
    return gateway.api;
  }

  async function stop(signal: NodeJS.Signals): Promise<number | null> {
    const running = gateway!;
    gateway = null;
    const exited = new Promise<number | null>((done) =>
      running.proc.once('exit', (code) => done(code)),
    );
    running.proc.kill(signal);
    return exited;
  }

  it('serves with no external services, runs stdio servers, and leaves nothing behind on Ctrl-C', async () => {
    const api = await start();
    const created = await fetch(`${api}/mcp/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'local',
        protocol: 'stdio',
        command: stdio.command,
        args: stdio.args,
        env: stdio.env,
      }),
    });
    expect(created.status).toBe(201);
    const check = (await (
      await fetch(`${api}/mcp/servers/local/health-check`, { method: 'POST' })
    ).json()) as {
      ok: boolean;
    };
    expect(check.ok).toBe(true);

    const marker = stdio.env.TESTKIT_CONTROL_FILE;
    expect(processesMatching(marker)).toHaveLength(1); // the stdio child is running
    expect(existsSync(join(dataDir, 'pg/postmaster.pid'))).toBe(true);

    expect(await stop('SIGINT')).toBe(0);
    await pollUntil(
      () => processesMatching(marker),
      (pids) => pids.length === 0,
      {
        timeoutMs: 10_000,
        what: 'stdio child gone',
      },
    );
    expect(processesMatching(join(dataDir, 'pg'))).toEqual([]);
    expect(existsSync(join(dataDir, 'pg/postmaster.pid'))).toBe(false); // clean PostgreSQL shutdown
  });

  it('reuses the data folder on the next start', async () => {
    const api = await start();
    const list = (await (await fetch(`${api}/mcp/servers`)).json()) as {
      items: { name: string }[];
    };
    expect(list.items.map((s) => s.name)).toEqual(['local']);
    expect(await stop('SIGTERM')).toBe(0);
    expect(processesMatching(join(dataDir, 'pg'))).toEqual([]);
  });
});
