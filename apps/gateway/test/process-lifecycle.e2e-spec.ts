import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

  let password = '';

  /** No secrets in the environment: embedded mode generates them in the data folder. */
  async function start(): Promise<GatewayProcess> {
    gateway = await startGatewayProcess({
      OMNI2_DATA_DIR: dataDir,
      OMNI2_STDIO_ALLOWLIST: stdio.command,
    });
    return gateway;
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
    const g = await start();
    // First start with no admin password set: one is generated and printed once.
    password = /generated password:\s+(\S+)/.exec(g.stdout())?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(20);
    const secrets = join(dataDir, 'secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(readFileSync(secrets, 'utf8')))).toEqual(
      expect.arrayContaining(['jwt_secret', 'encryption_key']),
    );
    const token = await g.login('admin', password);
    const created = await g.call(token, 'POST', '/mcp/servers', {
      name: 'local',
      protocol: 'stdio',
      command: stdio.command,
      args: stdio.args,
      env: stdio.env,
    });
    expect(created.status).toBe(201);
    const check = await g.call(token, 'POST', '/mcp/servers/local/health-check');
    expect(check.body.ok).toBe(true);

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
    const g = await start();
    expect(g.stdout()).not.toContain('generated password');
    // Same signing secret and encryption key as the first run: the password still works and
    // the stored (encrypted) stdio env still opens.
    const token = await g.login('admin', password);
    const list = await g.call(token, 'GET', '/mcp/servers');
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['local']);
    expect(Object.keys(list.body.items[0].env)).toEqual(Object.keys(stdio.env));
    expect((await g.call(token, 'POST', '/mcp/servers/local/health-check')).body.ok).toBe(true);
    expect(await stop('SIGTERM')).toBe(0);
    expect(processesMatching(join(dataDir, 'pg'))).toEqual([]);
  });
});
