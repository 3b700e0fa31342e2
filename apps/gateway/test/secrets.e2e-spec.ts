import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EventEnvelope } from '@omni2/contracts';
import { Client } from 'pg';
import { EventStream } from '../src/events/event-stream';
import { parseEncryptionKey } from '../src/common/encryption-key';
import { startGatewayProcess } from './support/gateway-process';
import { pollUntil } from './support/poll';
import { processesMatching } from './support/processes';
import { TEST_ENCRYPTION_KEY } from './support/secrets';
import {
  TEST_ADMIN,
  startTestApp,
  testEnv,
  type ApiResponse,
  type TestApp,
} from './support/test-app';
import { createTestDatabase } from './support/test-database';
import { startUpstream, type Upstream } from './support/upstreams';

const BEARER = 'PLANTED-bearer-5d41402abc4b2a76';
const WRONG_BEARER = 'PLANTED-wrong-7b8b965ad4bca0e4';
const ENV_SECRET = 'PLANTED-env-9e107d9d372bb682';
const PLANTED = [BEARER, WRONG_BEARER, ENV_SECRET];
const ROOT = resolve(__dirname, '../../..');

type Call = (method: string, path: string, body?: unknown) => Promise<ApiResponse<any>>;

/** Everything an operator does with servers that hold secrets; returns every response text. */
async function exercise(call: Call, upstream: Upstream, stdio: Upstream): Promise<string[]> {
  const texts: string[] = [];
  const go = async (method: string, path: string, body?: unknown, expected?: number) => {
    const res = await call(method, `/api/v1${path}`, body);
    if (expected !== undefined) expect([path, res.status]).toEqual([path, expected]);
    texts.push(res.text);
    return res;
  };
  const reg = upstream.registration('guarded');
  await go(
    'POST',
    '/mcp/servers',
    { ...reg, auth_type: 'bearer', auth_config: { token: BEARER } },
    201,
  );
  await go(
    'POST',
    '/mcp/servers',
    { ...reg, name: 'wrong-key', auth_type: 'bearer', auth_config: { token: WRONG_BEARER } },
    201,
  );
  const local = stdio.registration('local');
  await go(
    'POST',
    '/mcp/servers',
    { ...local, env: { ...(local.env as object), API_TOKEN: ENV_SECRET } },
    201,
  );
  expect((await go('POST', '/mcp/servers/guarded/health-check', undefined, 200)).body.ok).toBe(
    true,
  );
  const denied = await go('POST', '/mcp/servers/wrong-key/health-check', undefined, 200);
  expect(denied.body.error_kind).toBe('auth');
  expect((await go('POST', '/mcp/servers/local/health-check', undefined, 200)).body.ok).toBe(true);
  await go('POST', '/mcp/servers/health-check', undefined, 200);
  await go('POST', '/mcp/servers/guarded/reload', undefined, 200);
  await go(
    'POST',
    '/mcp/servers/guarded/tools/echo/execute',
    { arguments: { text: 'hello' } },
    200,
  );
  await go('POST', '/mcp/servers/wrong-key/tools/echo/execute', { arguments: { text: 'x' } });
  await go(
    'PATCH',
    '/mcp/servers/guarded',
    { auth_config: { token: BEARER }, description: 'edited' },
    200,
  );
  await go(
    'PATCH',
    '/mcp/servers/local',
    { env: { ...(local.env as object), API_TOKEN: ENV_SECRET } },
    200,
  );
  await go('POST', '/mcp/servers/guarded/disable', undefined, 200);
  await go('POST', '/mcp/servers/guarded/enable', undefined, 200);
  for (const path of [
    '/mcp/servers',
    '/mcp/servers/guarded',
    '/mcp/servers/local',
    '/mcp/servers/guarded/capabilities',
    '/mcp/servers/guarded/health-logs',
    '/mcp/servers/wrong-key/health-logs',
    '/mcp/servers/guarded/uptime',
    '/audit',
  ]) {
    await go('GET', path, undefined, 200);
  }
  return texts;
}

function expectNoPlantedSecret(label: string, text: string): void {
  for (const secret of PLANTED) {
    expect([label, text.includes(secret)]).toEqual([label, false]);
  }
}

describe('upstream secrets: encrypted at rest, never shown (e2e)', () => {
  let upstream: Upstream;
  let stdio: Upstream;

  beforeAll(async () => {
    upstream = await startUpstream('streamable_http', { requiredBearer: BEARER });
    stdio = await startUpstream('stdio');
  });

  afterAll(async () => {
    await upstream.stop();
    await stdio.stop();
  });

  describe('in responses, events, the audit log and the database', () => {
    let t: TestApp;
    let pg: Client;
    const events: EventEnvelope[] = [];

    beforeAll(async () => {
      t = await startTestApp();
      t.app.get(EventStream).subscribe((e) => events.push(e));
      pg = new Client({ connectionString: t.db.url });
      await pg.connect();
    });

    afterAll(async () => {
      await pg.end();
      await t.close();
    });

    it('appear in no response and no event', async () => {
      const texts = await exercise((m, p, b) => t.api(m, p, b), upstream, stdio);
      texts.forEach((text, i) => expectNoPlantedSecret(`response ${i}`, text));
      expect(events.length).toBeGreaterThan(5);
      expectNoPlantedSecret('events', JSON.stringify(events));
      const view = await t.api('GET', '/api/v1/mcp/servers/local');
      expect(view.body.env.API_TOKEN).toBe('***');
      expect((await t.api('GET', '/api/v1/mcp/servers/guarded')).body.auth_config).toBe('***');
    });

    it('are unreadable in the database: AES-256-GCM with the key id beside', async () => {
      const { rows } = await pg.query<{
        name: string;
        auth_config: string | null;
        env: string | null;
      }>(`SELECT name, auth_config, env FROM omni2.mcp_servers ORDER BY name`);
      const keyId = parseEncryptionKey(TEST_ENCRYPTION_KEY).id;
      const sealed = rows.flatMap((r) => [r.auth_config, r.env]).filter((v) => v !== null);
      expect(sealed).toHaveLength(3);
      for (const value of sealed) {
        expect(value).toMatch(new RegExp(`^enc1:${keyId}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
      }
      expectNoPlantedSecret('database', JSON.stringify(rows));
      const dump = await pg.query(`SELECT row_to_json(s)::text AS t FROM omni2.mcp_servers s`);
      expectNoPlantedSecret('database rows', dump.rows.map((r) => r.t).join('\n'));
    });

    it('a tampered ciphertext is refused, not decrypted into garbage', async () => {
      // Flip one ciphertext character to a different one (writing 'A' over an 'A' changed
      // nothing, one run in 64).
      await pg.query(
        `UPDATE omni2.mcp_servers
            SET auth_config = overlay(auth_config placing
                  CASE WHEN substr(auth_config, length(auth_config) - 2, 1) = 'A' THEN 'B' ELSE 'A' END
                  from length(auth_config) - 2 for 1)
          WHERE name = 'guarded'`,
      );
      const res = await t.api('POST', '/api/v1/mcp/servers/guarded/reload');
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.error).toMatch(/auth_config failed authentication/);
    });

    it('the audit log records who did what, from where, without secret values', async () => {
      const audit = await t.api('GET', '/api/v1/audit?limit=500');
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining([
          'server.create',
          'server.update',
          'server.check',
          'server.reload',
          'tool.execute',
          'server.disable',
          'server.enable',
          'auth.login',
        ]),
      );
      const create = audit.body.items.find(
        (e: { action: string; target_name: string }) =>
          e.action === 'server.create' && e.target_name === 'guarded',
      );
      expect(create).toMatchObject({
        actor: 'admin',
        actor_kind: 'user',
        target_type: 'server',
        ip: expect.stringMatching(/127\.0\.0\.1/),
        details: { outcome: 'ok', request: { auth_config: '***', name: 'guarded' } },
      });
      const execute = audit.body.items.find((e: { action: string }) => e.action === 'tool.execute');
      expect(execute.details).toMatchObject({
        tool: 'echo',
        request: { arguments: { names: ['text'] } },
      });
      expectNoPlantedSecret('audit', audit.text);
    });
  });

  it("appear in no log line, even at trace level; stdio children inherit none of omni2's", async () => {
    const db = await createTestDatabase();
    const g = await startGatewayProcess({ ...testEnv(), DATABASE_URL: db.url, LOG_LEVEL: 'trace' });
    try {
      const token = await g.login(TEST_ADMIN.username, TEST_ADMIN.password);
      await exercise((m, p, b) => g.call(token, m, p.replace('/api/v1', ''), b), upstream, stdio);
      // Bad logins log too: the password tried must not be among them.
      await g.call('', 'POST', '/auth/login', { username: 'admin', password: ENV_SECRET });
      // The env PATCH above replaced the stdio session; its new child starts on the next check.
      const [child] = await pollUntil(
        () => processesMatching(stdio.stdio!.env.TESTKIT_CONTROL_FILE),
        (found) => found.length > 0,
        { what: 'the stdio child after its restart' },
      );
      const environ = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
      const names = environ.map((kv) => kv.split('=')[0]);
      expect(names).toContain('API_TOKEN'); // its own env, as registered
      for (const own of [
        'JWT_SECRET',
        'OMNI2_ENCRYPTION_KEY',
        'OMNI2_ADMIN_PASSWORD',
        'DATABASE_URL',
      ]) {
        expect(names).not.toContain(own);
      }
    } finally {
      await g.stop();
      await db.drop();
    }
    const log = g.stdout();
    expect(log.split('\n').length).toBeGreaterThan(50);
    expect(log).toMatch(/"component":"http"/);
    expectNoPlantedSecret('log', log);
    expect(log).not.toContain(TEST_ADMIN.password);
  });

  it('rotate to a new key with `npm run secrets:rotate`', async () => {
    const db = await createTestDatabase();
    const newKey = 'b'.repeat(64);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const old = await startGatewayProcess({ ...testEnv(), DATABASE_URL: db.url });
      const token = await old.login(TEST_ADMIN.username, TEST_ADMIN.password);
      await old.call(token, 'POST', '/mcp/servers', {
        ...upstream.registration('guarded'),
        auth_type: 'bearer',
        auth_config: { token: BEARER },
      });
      await old.stop();

      const rotate = (env: Record<string, string>) =>
        spawnSync(process.execPath, [join(ROOT, 'dist/apps/gateway/src/secrets/rotate-cli.js')], {
          env: {
            PATH: process.env.PATH,
            ...testEnv(),
            DATABASE_URL: db.url,
            LOG_LEVEL: 'info',
            ...env,
          },
          encoding: 'utf8',
        });
      // Without the old key the stored value cannot be opened: refused, nothing changed.
      const blind = rotate({ OMNI2_ENCRYPTION_KEY: newKey });
      expect(blind.status).toBe(1);
      expect(blind.stdout).toMatch(/"servers":\["guarded"\]/);

      const done = rotate({
        OMNI2_ENCRYPTION_KEY: newKey,
        OMNI2_PREVIOUS_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEY,
      });
      expect(done.status).toBe(0);
      expect(done.stdout).toMatch(/resealed 1 of 1 servers/);
      const { rows } = await pg.query(`SELECT auth_config FROM omni2.mcp_servers`);
      expect(rows[0].auth_config.startsWith(`enc1:${parseEncryptionKey(newKey).id}:`)).toBe(true);

      // A replica that knows only the new key reads the rotated secret.
      const fresh = await startGatewayProcess({
        ...testEnv(),
        DATABASE_URL: db.url,
        OMNI2_ENCRYPTION_KEY: newKey,
      });
      try {
        const t2 = await fresh.login(TEST_ADMIN.username, TEST_ADMIN.password);
        expect((await fresh.call(t2, 'POST', '/mcp/servers/guarded/health-check')).body.ok).toBe(
          true,
        );
      } finally {
        await fresh.stop();
      }
    } finally {
      await pg.end();
      await db.drop();
    }
  });
});
