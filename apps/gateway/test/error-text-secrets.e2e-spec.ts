import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { EventEnvelope } from '@omni2/contracts';
import { Client } from 'pg';
import { EventStream } from '../src/events/event-stream';
import { startTestApp, type TestApp } from './support/test-app';

const ENV_SECRET = 'PLANTED-env-1f3870be274f6c49';
const ARG_SECRET = 'PLANTED-arg-8277e0910d750195';
const BEARER = 'PLANTED-bearer-e4da3b7fbbce2345';
const UNKNOWN_SECRET = 'PLANTED-cfg-a87ff679a2f3e71d';
const PLANTED = [ENV_SECRET, ARG_SECRET, BEARER, UNKNOWN_SECRET];

/**
 * A real HTTP endpoint that refuses every request with 401 and, like some real servers' error
 * pages, echoes the Authorization header it got and a secret of its own configuration.
 */
async function echoingUnauthorized(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(401, { 'content-type': 'text/plain' });
    res.end(
      `unauthorized: got Authorization: ${req.headers.authorization ?? '-'}; api_key=${UNKNOWN_SECRET}`,
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * Issue 13, defect 5: what omni2 copies from a failure (a stdio child's stderr, a node error
 * echoing its arguments, an upstream error page echoing credentials) reaches no store and no
 * audience with the server's secrets in it, and viewers get the kind of failure only.
 */
describe('secrets in upstream error texts (e2e)', () => {
  let t: TestApp;
  let pg: Client;
  let upstream: Awaited<ReturnType<typeof echoingUnauthorized>>;
  let viewer: string;
  const events: EventEnvelope[] = [];
  // A configuration file of the child's own: omni2 never sees this secret until stderr shows it.
  const scratch = mkdtempSync(join(tmpdir(), 'omni2-secrets-'));
  const configFile = join(scratch, 'server.conf');
  writeFileSync(configFile, `token=${UNKNOWN_SECRET}`);

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
    t.app.get(EventStream).subscribe((e) => events.push(e));
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    upstream = await echoingUnauthorized();
    viewer = await t.tokenFor('viewer');
    const servers = [
      {
        // The child prints its configuration, secrets included, to stderr and exits.
        name: 'chatty',
        protocol: 'stdio',
        command: process.execPath,
        args: [
          '-e',
          `const conf = require('fs').readFileSync(${JSON.stringify(configFile)}, 'utf8');` +
            `console.error('config: ' + conf + ' env=' + process.env.API_TOKEN); process.exit(1)`,
        ],
        env: { API_TOKEN: ENV_SECRET },
      },
      {
        // node refuses the option and prints it back.
        name: 'badopt',
        protocol: 'stdio',
        command: process.execPath,
        args: [`--api-key=${ARG_SECRET}`],
      },
      {
        name: 'echoer',
        protocol: 'streamable_http',
        url: upstream.url,
        auth_type: 'bearer',
        auth_config: { token: BEARER },
      },
    ];
    for (const server of servers) {
      expect((await t.api('POST', '/api/v1/mcp/servers', server)).status).toBe(201);
    }
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
    await upstream.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const expectNone = (label: string, text: string) => {
    for (const secret of PLANTED) expect([label, text.includes(secret)]).toEqual([label, false]);
  };

  it('keeps them out of check results, tool errors, stored rows, health logs and events', async () => {
    const kinds: Record<string, string> = {};
    for (const name of ['chatty', 'badopt', 'echoer']) {
      const check = await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`);
      expect(check.body.ok).toBe(false);
      kinds[name] = check.body.error_kind;
      expectNone(`check ${name}`, check.text);
      const run = await t.api('POST', `/api/v1/mcp/servers/${name}/tools/echo/execute`, {
        arguments: { text: 'x' },
      });
      expect(run.status).toBeGreaterThanOrEqual(400);
      expectNone(`execute ${name}`, run.text);
    }
    expect(kinds).toEqual({ chatty: 'process_exit', badopt: 'process_exit', echoer: 'auth' });
    // The texts still say what happened, with the secrets cut out.
    const chatty = (await t.api('GET', '/api/v1/mcp/servers/chatty')).body;
    expect(chatty.last_error).toMatch(/config: token=\*\*\* env=\*\*\*/);
    const echoer = (await t.api('GET', '/api/v1/mcp/servers/echoer')).body;
    expect(echoer.last_error).toMatch(/HTTP 401/);

    // Admins see a server's own arguments in its configuration, not in its errors.
    for (const name of ['chatty', 'badopt', 'echoer']) {
      const view = (await t.api('GET', `/api/v1/mcp/servers/${name}`)).body;
      expectNone(`last_error ${name}`, String(view.last_error));
      expectNone(
        `health log ${name}`,
        (await t.api('GET', `/api/v1/mcp/servers/${name}/health-logs`)).text,
      );
      const asViewer = await t.api('GET', `/api/v1/mcp/servers/${name}`, undefined, {
        token: viewer,
      });
      expectNone(`viewer's server ${name}`, asViewer.text);
    }
    expectNone(
      "viewer's list",
      (await t.api('GET', '/api/v1/mcp/servers', undefined, { token: viewer })).text,
    );
    // Configuration events carry the server's own configuration to admins; every other event
    // is about its state and must carry no secret.
    const stateEvents = (items: EventEnvelope[]) =>
      JSON.stringify(items.filter((e) => e.type !== 'mcp_config_changed'));
    const feed = await t.api<{ items: EventEnvelope[] }>('GET', '/api/v1/events?limit=1000');
    expect(feed.body.items.some((e) => e.type === 'mcp_health_check')).toBe(true);
    expectNone('event feed', stateEvents(feed.body.items));
    expectNone('events published', stateEvents(events));
    expectNone(
      "viewer's event feed",
      (await t.api('GET', '/api/v1/events?limit=1000', undefined, { token: viewer })).text,
    );
    const stored = await pg.query(
      `SELECT s.last_error, l.error_message FROM omni2.mcp_servers s
         LEFT JOIN omni2.mcp_health_log l ON l.server_id = s.id`,
    );
    expect(stored.rows.filter((r) => r.error_message && r.last_error)).toHaveLength(3);
    expectNone('database', JSON.stringify(stored.rows));
  });

  it('shows viewers the kind of failure and its HTTP status, never the text', async () => {
    // Capabilities are fetched on a viewer's read when none are cached: a failure says its kind.
    const caps = await t.api('GET', '/api/v1/mcp/servers/chatty/capabilities', undefined, {
      token: viewer,
    });
    expect(caps.status).toBe(502);
    expect(caps.body.message).toBe('upstream failed: process_exit: the server process ended');
    expectNone("viewer's capabilities", caps.text);
    const adminCaps = await t.api('GET', '/api/v1/mcp/servers/chatty/capabilities');
    expect(adminCaps.body.message).toMatch(/config: token=\*\*\*/);
    const server = await t.api('GET', '/api/v1/mcp/servers/echoer', undefined, { token: viewer });
    expect(server.body.last_error).toBe('auth: the server refused the credentials (HTTP 401)');
    const chatty = await t.api('GET', '/api/v1/mcp/servers/chatty', undefined, { token: viewer });
    expect(chatty.body.last_error).toBe('process_exit: the server process ended');
    const logs = await t.api('GET', '/api/v1/mcp/servers/chatty/health-logs', undefined, {
      token: viewer,
    });
    const failures = logs.body.items.filter((i: { error_kind: string | null }) => i.error_kind);
    expect(failures.length).toBeGreaterThan(0);
    for (const item of failures) {
      expect(item.error_message).toBe('process_exit: the server process ended');
    }
    const feed = await t.api('GET', '/api/v1/events?limit=1000', undefined, { token: viewer });
    const checks = feed.body.items.filter(
      (e: EventEnvelope) => e.type === 'mcp_health_check' && e.mcp_name === 'chatty',
    );
    expect(checks.length).toBeGreaterThan(0);
    for (const e of checks) expect(e.data.error).toBe('process_exit: the server process ended');
  });
});
