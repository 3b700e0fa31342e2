import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { testCodec } from './support/secrets';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/** stdio servers run commands on omni2's host: only allowlisted ones, only by admins. */
describe('stdio allowlist (e2e)', () => {
  let t: TestApp;
  let stdio: Upstream;
  let pg: Client;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_STDIO_ALLOWLIST: process.execPath });
    stdio = await startUpstream('stdio');
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
    await stdio.stop();
  });

  it('refuses a command that is not allowlisted, naming the field, and keeps nothing', async () => {
    const res = await t.api('POST', '/api/v1/mcp/servers', {
      name: 'shell',
      protocol: 'stdio',
      command: '/bin/sh',
      args: ['-c', 'id'],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        field: 'command',
        message: `"/bin/sh" is not in OMNI2_STDIO_ALLOWLIST (${process.execPath})`,
      },
    ]);
    expect((await t.api('GET', '/api/v1/mcp/servers/shell')).status).toBe(404);
  });

  it('lets an admin register an allowlisted command; operators cannot register at all', async () => {
    const body = stdio.registration('local');
    const operator = await t.tokenFor('operator');
    expect((await t.api('POST', '/api/v1/mcp/servers', body, { token: operator })).status).toBe(
      403,
    );
    expect((await t.api('POST', '/api/v1/mcp/servers', body)).status).toBe(201);
    expect((await t.api('POST', '/api/v1/mcp/servers/local/health-check')).body.ok).toBe(true);
    const edit = await t.api('PATCH', '/api/v1/mcp/servers/local', { command: 'bash' });
    expect(edit.status).toBe(400);
    expect(edit.body.errors[0].field).toBe('command');
  });

  it('does not start a command edited into the database behind its back', async () => {
    await pg.query(`UPDATE omni2.mcp_servers SET command = '/bin/sh' WHERE name = 'local'`);
    const res = await t.api('POST', '/api/v1/mcp/servers/local/reload');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, error_kind: 'process_exit' });
    expect(res.body.error).toMatch(/"\/bin\/sh" is not in OMNI2_STDIO_ALLOWLIST/);
  });
});

/**
 * Issue 13, defect 6: an allowlisted name runs the binary omni2's own PATH finds, and no server
 * env may change what the process loads (PATH, LD_PRELOAD, NODE_OPTIONS, ...).
 */
describe('stdio allowlist and the server environment (e2e)', () => {
  let t: TestApp;
  let stdio: Upstream;
  let pg: Client;
  const scratch = mkdtempSync(join(tmpdir(), 'omni2-path-'));
  const marker = join(scratch, 'impostor-ran');

  beforeAll(async () => {
    // An impostor `node` that would leave a mark if a server's PATH could reach it.
    writeFileSync(join(scratch, 'node'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    t = await startTestApp({ OMNI2_STDIO_ALLOWLIST: 'node' });
    stdio = await startUpstream('stdio');
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
    await stdio.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each([
    'PATH',
    'LD_PRELOAD',
    'NODE_OPTIONS',
    'DYLD_INSERT_LIBRARIES',
    'npm_config_script_shell',
  ])('refuses %s in a server env, naming it, and keeps nothing', async (name) => {
    const res = await t.api('POST', '/api/v1/mcp/servers', {
      ...stdio.registration('loader'),
      command: 'node',
      env: { [name]: scratch },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([`env.${name}`]);
    expect((await t.api('GET', '/api/v1/mcp/servers/loader')).status).toBe(404);
  });

  it('runs an allowlisted name as omni2 finds it, and refuses a loader variable planted in the database', async () => {
    const body = { ...stdio.registration('by-name'), command: 'node' };
    expect((await t.api('POST', '/api/v1/mcp/servers', body)).status).toBe(201);
    expect((await t.api('POST', '/api/v1/mcp/servers/by-name/health-check')).body.ok).toBe(true);
    expect(
      (await t.api('PATCH', '/api/v1/mcp/servers/by-name', { env: { PATH: scratch } })).status,
    ).toBe(400);
    const env = stdio.registration('by-name').env as Record<string, string>;
    const sealed = testCodec().seal({ ...env, PATH: scratch }, 'env');
    await pg.query(`UPDATE omni2.mcp_servers SET env = $1 WHERE name = 'by-name'`, [sealed]);
    const res = await t.api('POST', '/api/v1/mcp/servers/by-name/reload');
    expect(res.body).toMatchObject({ ok: false, error_kind: 'process_exit' });
    expect(res.body.error).toMatch(/env PATH refused/);
    expect(existsSync(marker)).toBe(false);
  });
});
