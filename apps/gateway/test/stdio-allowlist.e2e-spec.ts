import { Client } from 'pg';
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
