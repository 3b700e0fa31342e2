import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionTestResult } from '@omni2/contracts';
import {
  prepareStdioMcpServer,
  startHttpMcpServer,
  startModernHttpMcpServer,
  type StdioMcpServerHandle,
  type TestMcpServer,
} from '@omni2/testkit';
import fc from 'fast-check';
import { Client } from 'pg';
import { mapWithConcurrency } from '../src/common/concurrency';
import { FC_PARAMS, oddJson, oddString } from './support/odd-input';
import { pollUntil } from './support/poll';
import { processesMatching } from './support/processes';
import { callApi, startTestApp, type TestApp } from './support/test-app';

const ROUTE = '/api/v1/mcp/servers/test-connection';
/** Planted in bodies; must never come back in an answer, the audit log or an event. */
const BEARER_SECRET = 'wrong-bearer-token-4f9c2a';
const ENV_SECRET = 'env-secret-value-7d1e05';
const CLOSED_PORT_URL = 'http://127.0.0.1:9/mcp';

/**
 * Issue 18 item 6: "test connection" runs the checks a registered server would get (connect,
 * era negotiation, ping, lists) on a throwaway session, says which stage failed and why, and
 * leaves nothing behind: no row, no event, no breaker state, no process, no secret in sight.
 */
describe('POST /mcp/servers/test-connection (e2e)', () => {
  let t: TestApp;
  let pg: Client;
  let legacy: TestMcpServer;
  let modern: TestMcpServer;
  let guarded: TestMcpServer;
  let hanging: TestMcpServer;
  let notMcp: Server;
  let notMcpUrl: string;
  const stdioHandles: StdioMcpServerHandle[] = [];

  const test = (body: unknown, token?: string) =>
    t.api<ConnectionTestResult & { code?: string; errors?: { field: string }[] }>(
      'POST',
      ROUTE,
      body,
      token === undefined ? {} : { token },
    );
  const count = async (sql: string) => Number((await pg.query(sql)).rows[0].n);
  const eventCount = async () =>
    (await t.api('GET', '/api/v1/events?after=0-0&limit=1000')).body.items.length as number;

  beforeAll(async () => {
    // No coordinator: nothing but the requests below can write rows or publish events.
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    legacy = await startHttpMcpServer({ protocol: 'streamable_http', name: 'legacy-kit' });
    modern = await startModernHttpMcpServer({ era: 'modern', name: 'modern-kit' });
    guarded = await startHttpMcpServer({
      protocol: 'streamable_http',
      behaviour: { requiredBearer: 'the-right-token' },
    });
    hanging = await startHttpMcpServer({
      protocol: 'streamable_http',
      behaviour: { mode: 'hanging' },
    });
    // A web server that is not an MCP server: an HTML page for every request.
    notMcp = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>hello</body></html>');
    });
    await new Promise<void>((resolve) => notMcp.listen(0, '127.0.0.1', resolve));
    notMcpUrl = `http://127.0.0.1:${(notMcp.address() as AddressInfo).port}/mcp`;
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    for (const s of [legacy, modern, guarded, hanging]) await s?.stop();
    await new Promise((resolve) => notMcp?.close(resolve));
    for (const h of stdioHandles) await h.cleanup();
  });

  function stdioServer(options: Parameters<typeof prepareStdioMcpServer>[0] = {}) {
    const handle = prepareStdioMcpServer(options);
    stdioHandles.push(handle);
    return handle;
  }

  /** The stdio child of `handle` is gone (its marker is in the child's environment). */
  async function expectNoChild(handle: StdioMcpServerHandle): Promise<void> {
    await pollUntil(
      () => processesMatching(handle.env.TESTKIT_CONTROL_FILE),
      (pids) => pids.length === 0,
      { timeoutMs: 10_000, what: 'no stdio child left running' },
    );
  }

  it('reports unreachable at the connect stage for a closed port', async () => {
    const res = await test({ name: 'closed', protocol: 'streamable_http', url: CLOSED_PORT_URL });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      stage: 'connect',
      error_kind: 'unreachable',
      protocol_era: null,
      tools: null,
      probe: null,
    });
    expect(res.body.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('reports protocol at the handshake for a web server that is not MCP', async () => {
    const res = await test({ name: 'web', protocol: 'streamable_http', url: notMcpUrl });
    expect(res.body).toMatchObject({ ok: false, stage: 'handshake', error_kind: 'protocol' });
    expect(res.body.error).toBeTruthy();
  });

  it('reports auth for a wrong or missing bearer token, without echoing the token', async () => {
    const wrong = await test({
      name: 'guarded',
      protocol: 'streamable_http',
      url: guarded.url,
      auth_type: 'bearer',
      auth_config: { token: BEARER_SECRET },
    });
    expect(wrong.body).toMatchObject({ ok: false, stage: 'handshake', error_kind: 'auth' });
    expect(wrong.body.error).toContain('401');
    expect(wrong.text).not.toContain(BEARER_SECRET);
    const none = await test({ name: 'guarded', protocol: 'streamable_http', url: guarded.url });
    expect(none.body).toMatchObject({ ok: false, error_kind: 'auth' });
    const right = await test({
      name: 'guarded',
      protocol: 'streamable_http',
      url: guarded.url,
      auth_type: 'bearer',
      auth_config: { token: 'the-right-token' },
    });
    expect(right.body).toMatchObject({ ok: true, stage: 'done' });
    expect(right.text).not.toContain('the-right-token');
  });

  it('reports timeout within the body’s timeout_seconds for a server that never answers', async () => {
    const started = Date.now();
    const res = await test({
      name: 'hangs',
      protocol: 'streamable_http',
      url: hanging.url,
      timeout_seconds: 1,
    });
    expect(res.body).toMatchObject({ ok: false, error_kind: 'timeout', stage: 'handshake' });
    expect(res.body.duration_ms).toBeLessThan(2_500);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('reports process_exit for a stdio command that exits, without its env values', async () => {
    const res = await test({
      name: 'exits',
      protocol: 'stdio',
      command: process.execPath,
      args: ['-e', 'console.error("token is " + process.env.API_TOKEN); process.exit(3)'],
      env: { API_TOKEN: ENV_SECRET },
    });
    expect(res.body).toMatchObject({ ok: false, stage: 'connect', error_kind: 'process_exit' });
    expect(res.text).not.toContain(ENV_SECRET);
  });

  it('reports a 2025 server as reachable: era, version, probe and its tools', async () => {
    const res = await test({ name: 'legacy', protocol: 'streamable_http', url: legacy.url });
    expect(res.body).toMatchObject({
      ok: true,
      stage: 'done',
      error_kind: null,
      error: null,
      protocol_era: 'legacy',
      protocol_version: expect.stringMatching(/^2025-/),
      server_info: { name: 'legacy-kit', version: expect.any(String) },
      probe: 'ping',
    });
    expect(res.body.tool_names).toEqual(expect.arrayContaining(['echo', 'add']));
    expect(res.body.tools).toBe(res.body.tool_names.length);
    expect(res.body.response_time_ms).toEqual(expect.any(Number));
    // Its own session was ended: the server holds none from the test.
    await pollUntil(
      () => legacy.sessionCount(),
      (n) => n === 0,
      { what: 'the test session ended at the server' },
    );
  });

  it('reports a 2026-07-28 modern-only server with its era and tools', async () => {
    const res = await test({ name: 'modern', protocol: 'streamable_http', url: modern.url });
    expect(res.body).toMatchObject({
      ok: true,
      stage: 'done',
      protocol_era: 'modern',
      protocol_version: '2026-07-28',
      probe: 'discover',
    });
    expect(res.body.tools).toBeGreaterThan(0);
    expect(res.body.tool_names).toContain('echo');
  });

  it('runs a stdio server and leaves no child running, whether it answered or hung', async () => {
    const healthy = stdioServer();
    const ok = await test({
      name: 'local',
      protocol: 'stdio',
      command: healthy.command,
      args: healthy.args,
      env: healthy.env,
    });
    expect(ok.body).toMatchObject({ ok: true, stage: 'done', protocol_era: 'legacy' });
    expect(ok.body.tools).toBeGreaterThan(0);
    expect(healthy.calls().map((c) => c.method)).toEqual(
      expect.arrayContaining(['initialize', 'ping', 'tools/list']),
    );
    await expectNoChild(healthy);

    const silent = stdioServer({ behaviour: { mode: 'hanging' } });
    const hung = await test({
      name: 'silent',
      protocol: 'stdio',
      command: silent.command,
      args: silent.args,
      env: silent.env,
      timeout_seconds: 1,
    });
    expect(hung.body).toMatchObject({ ok: false, error_kind: 'timeout' });
    await expectNoChild(silent);
  });

  it('writes nothing: no server, no health log, no event; audited without secrets', async () => {
    const before = {
      servers: await count('SELECT count(*) AS n FROM omni2.mcp_servers'),
      logs: await count('SELECT count(*) AS n FROM omni2.mcp_health_log'),
      events: await eventCount(),
    };
    const res = await test({
      name: 'audited',
      protocol: 'streamable_http',
      url: guarded.url,
      auth_type: 'bearer',
      auth_config: { token: BEARER_SECRET },
    });
    expect(res.body.error_kind).toBe('auth');
    expect(before.servers).toBe(0);
    expect(await count('SELECT count(*) AS n FROM omni2.mcp_servers')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM omni2.mcp_health_log')).toBe(before.logs);
    expect(before.logs).toBe(0);
    expect(await eventCount()).toBe(before.events);
    expect((await t.api('GET', '/api/v1/mcp/servers/audited')).status).toBe(404);

    const audit = await pollUntil(
      async () => await t.api('GET', '/api/v1/audit?action=server.test_connection&limit=500'),
      (r) =>
        (r.body.items as { details: { request?: { name?: string } } }[]).some(
          (e) => e.details.request?.name === 'audited',
        ),
      { what: 'the audit entry of the test' },
    );
    const entry = (
      audit.body.items as { actor: string; details: { request: Record<string, unknown> } }[]
    ).find((e) => e.details.request.name === 'audited')!;
    expect(entry).toMatchObject({
      actor: 'admin',
      target_type: 'server',
      details: { outcome: 'ok', request: { auth_config: '***', url: guarded.url } },
    });
    expect(audit.text).not.toContain(BEARER_SECRET);
    expect(audit.text).not.toContain(ENV_SECRET);
  });

  it('answers 400 naming the field, like create', async () => {
    const cases: [unknown, string][] = [
      [{ protocol: 'streamable_http', url: CLOSED_PORT_URL }, 'name'],
      [{ name: 'x', protocol: 'streamable_http', url: 'ftp://127.0.0.1/' }, 'url'],
      [{ name: 'x', protocol: 'streamable_http' }, 'url'],
      [{ name: 'x', protocol: 'carrier-pigeon', url: CLOSED_PORT_URL }, 'protocol'],
      [
        { name: 'x', protocol: 'streamable_http', url: CLOSED_PORT_URL, timeout_seconds: 0 },
        'timeout_seconds',
      ],
      [{ name: 'x', protocol: 'streamable_http', url: CLOSED_PORT_URL, extra: 1 }, 'extra'],
      [
        { name: 'x', protocol: 'streamable_http', url: CLOSED_PORT_URL, auth_type: 'bearer' },
        'auth_config',
      ],
      [{ name: 'x', protocol: 'stdio', command: '/bin/sh', args: ['-c', 'id'] }, 'command'],
      [
        { name: 'x', protocol: 'stdio', command: process.execPath, env: { NODE_OPTIONS: '-r x' } },
        'env.NODE_OPTIONS',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await test(body);
      expect([field, res.status, res.body.code]).toEqual([field, 400, 'VALIDATION_FAILED']);
      expect(res.body.errors!.map((e) => e.field)).toContain(field);
    }
  });

  it('is for admins only: 403 for operators and viewers, 401 without a credential', async () => {
    const body = { name: 'x', protocol: 'streamable_http', url: legacy.url };
    for (const role of ['operator', 'viewer'] as const) {
      const res = await test(body, await t.tokenFor(role));
      expect([role, res.status, res.body.code]).toEqual([role, 403, 'FORBIDDEN']);
    }
    expect((await callApi(t.baseUrl, 'POST', ROUTE, body, null)).status).toBe(401);
  });

  it('tells admins which commands stdio servers may run', async () => {
    const res = await t.api('GET', '/api/v1/mcp/stdio-allowlist');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ commands: [process.execPath, 'node'] });
    const operator = await t.tokenFor('operator');
    expect(
      (await t.api('GET', '/api/v1/mcp/stdio-allowlist', undefined, { token: operator })).status,
    ).toBe(403);
  });

  it('never answers an odd body with a 5xx (fast-check, fixed seed)', async () => {
    const base: Record<string, unknown> = {
      name: 'fz',
      protocol: 'streamable_http',
      url: CLOSED_PORT_URL,
      timeout_seconds: 1,
    };
    // An odd value never becomes a URL anything could connect to.
    const oddValue = oddJson().filter((v) => typeof v !== 'string' || !/^https?:/i.test(v));
    const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    const body: fc.Arbitrary<string> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.constantFrom(...Object.keys(base), 'auth_config', 'env', 'args', 'x'), oddValue)
          .map(([key, value]) => JSON.stringify({ ...base, [key]: value })),
      },
      { weight: 2, arbitrary: oddValue.map((v) => JSON.stringify(v)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          deep(64),
          deep(5_000),
          JSON.stringify({ ...base, name: 'x'.repeat(200_000) }),
          JSON.stringify({ ...base, url: `http://127.0.0.1:9/${'a'.repeat(100_000)}` }),
          JSON.stringify({ ...base, name: 'fz\u0000' }),
          JSON.stringify({ ...base, url: 'http://127.0.0.1:9/\ud800' }),
          JSON.stringify({ ...base, timeout_seconds: '1' }),
          `{"name":"fz","protocol":"streamable_http","url":"${CLOSED_PORT_URL}","timeout_seconds":1e309}`,
          JSON.stringify({ ...base, auth_type: 'basic', auth_config: { username: 'a\ud800' } }),
          JSON.stringify({
            ...base,
            protocol: 'stdio',
            url: null,
            command: process.execPath,
            env: { A: '\u0000' },
          }),
          '{"name": "fz", ',
          '[]',
          'null',
        ),
      },
      { weight: 1, arbitrary: oddString(40) },
    );
    const bodies = fc.sample(body, { seed: FC_PARAMS.seed, numRuns: 150 });
    const results = await mapWithConcurrency(bodies, 4, async (text) => {
      const res = await callApi<{ code?: string }>(t.baseUrl, 'POST', ROUTE, text, t.adminToken);
      return { text: text.slice(0, 120), status: res.status, code: res.body?.code };
    });
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    // Each odd body is refused or tested; none is saved.
    for (const r of results) expect([200, 400, 413]).toContain(r.status);
    expect(await count('SELECT count(*) AS n FROM omni2.mcp_servers')).toBe(0);
  });
});
