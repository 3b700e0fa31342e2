import { AUTH_TYPES, PROTOCOLS, SERVER_NAME_PATTERN, USERNAME_PATTERN } from '@omni2/contracts';
import fc from 'fast-check';
import { Client } from 'pg';
import { mapWithConcurrency } from '../src/common/concurrency';
import { FC_PARAMS, oddJson, oddString } from './support/odd-input';
import { pollUntil } from './support/poll';
import { testCodec } from './support/secrets';
import { callApi, startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

/** FUZZ_REQUESTS widens a local run; CI sends 1,200 with the fixed seed. */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1_200);

type Role = 'admin' | 'operator' | 'viewer' | 'none';

interface Route {
  method: string;
  path: string;
  /** The `@Audited` action, or null. */
  audited: string | null;
  /** Refs that may name real rows: only where a valid request cannot destroy the fixture. */
  realRefs: boolean;
  /** A valid body to mutate, for routes that take one. */
  body?: Record<string, unknown>;
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/mcp/servers', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/mcp/servers',
    audited: 'server.create',
    realRefs: true,
    body: { name: 'fz', protocol: 'sse', url: 'http://127.0.0.1:9/sse', status: 'inactive' },
  },
  { method: 'GET', path: '/mcp/servers/:id', audited: null, realRefs: true },
  {
    method: 'PATCH',
    path: '/mcp/servers/:id',
    audited: 'server.update',
    realRefs: true,
    body: { description: 'fuzzed' },
  },
  { method: 'DELETE', path: '/mcp/servers/:id', audited: 'server.delete', realRefs: false },
  {
    method: 'POST',
    path: '/mcp/servers/health-check',
    audited: 'server.check_all',
    realRefs: true,
  },
  {
    method: 'POST',
    path: '/mcp/servers/:id/health-check',
    audited: 'server.check',
    realRefs: true,
  },
  { method: 'POST', path: '/mcp/servers/:id/reload', audited: 'server.reload', realRefs: true },
  { method: 'POST', path: '/mcp/servers/:id/enable', audited: 'server.enable', realRefs: true },
  { method: 'POST', path: '/mcp/servers/:id/disable', audited: 'server.disable', realRefs: true },
  {
    method: 'POST',
    path: '/mcp/servers/:id/circuit/reset',
    audited: 'server.circuit_reset',
    realRefs: true,
  },
  { method: 'GET', path: '/mcp/servers/:id/capabilities', audited: null, realRefs: true },
  { method: 'GET', path: '/mcp/servers/:id/health-logs', audited: null, realRefs: true },
  { method: 'GET', path: '/mcp/servers/:id/uptime', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/mcp/servers/:id/tools/:tool/execute',
    audited: 'tool.execute',
    realRefs: true,
    body: { arguments: { text: 'x' } },
  },
  {
    // The answer to a paused run's question (issue 14): token and form content are odd too.
    method: 'POST',
    path: '/mcp/servers/:id/tools/:tool/execute',
    audited: 'tool.execute',
    realRefs: true,
    body: { input_token: 'x', input_response: { action: 'accept', content: { name: 'x' } } },
  },
  {
    // A run with its own timeout (issue 18): the timeout is odd too.
    method: 'POST',
    path: '/mcp/servers/:id/tools/:tool/execute',
    audited: 'tool.execute',
    realRefs: true,
    body: { arguments: { text: 'x' }, timeout_seconds: 5 },
  },
  {
    method: 'POST',
    path: '/mcp/servers/:id/tools/:tool/runs/:run_id/cancel',
    audited: 'tool.cancel',
    realRefs: true,
  },
  { method: 'GET', path: '/config/:key', audited: null, realRefs: true },
  {
    method: 'PUT',
    path: '/config/:key',
    audited: 'config.update',
    realRefs: true,
    body: { interval_seconds: 60, unhealthy_interval_seconds: 30, timeout_seconds: 10 },
  },
  {
    method: 'POST',
    path: '/auth/login',
    audited: null,
    realRefs: true,
    body: { username: 'nobody', password: 'x' },
  },
  { method: 'GET', path: '/auth/me', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/auth/password',
    audited: 'user.change_password',
    realRefs: true,
    body: { current_password: 'wrong-password', new_password: 'another-password-1' },
  },
  { method: 'GET', path: '/users', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/users',
    audited: 'user.create',
    realRefs: true,
    body: { username: 'fz', password: 'a-long-enough-password', role: 'viewer' },
  },
  {
    method: 'PATCH',
    path: '/users/:id',
    audited: 'user.update',
    realRefs: false,
    body: { role: 'viewer' },
  },
  { method: 'DELETE', path: '/users/:id', audited: 'user.delete', realRefs: false },
  { method: 'GET', path: '/api-keys', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/api-keys',
    audited: 'api_key.create',
    realRefs: true,
    body: { name: 'fz', role: 'viewer' },
  },
  { method: 'DELETE', path: '/api-keys/:id', audited: 'api_key.revoke', realRefs: false },
  { method: 'GET', path: '/audit', audited: null, realRefs: true },
  { method: 'GET', path: '/events', audited: null, realRefs: true },
  // Issue 16: operator authorization ('up' is no OAuth server: a 409, audited).
  {
    method: 'POST',
    path: '/mcp/servers/:id/oauth/authorize',
    audited: 'server.oauth_authorize',
    realRefs: true,
  },
  {
    method: 'DELETE',
    path: '/mcp/servers/:id/oauth/tokens',
    audited: 'server.oauth_tokens_delete',
    realRefs: true,
  },
  { method: 'GET', path: '/oauth/callback', audited: null, realRefs: true },
  { method: 'GET', path: '/oauth/client-metadata.json', audited: null, realRefs: true },
  // Issue 17: alerts.
  { method: 'GET', path: '/alerts/channels', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/alerts/channels',
    audited: 'alert_channel.create',
    realRefs: true,
    body: { name: 'fz', kind: 'webhook', config: { url: 'http://127.0.0.1:9/hook' } },
  },
  {
    method: 'PATCH',
    path: '/alerts/channels/:id',
    audited: 'alert_channel.update',
    realRefs: false,
    body: { name: 'fz2' },
  },
  {
    method: 'DELETE',
    path: '/alerts/channels/:id',
    audited: 'alert_channel.delete',
    realRefs: false,
  },
  {
    method: 'POST',
    path: '/alerts/channels/:id/test',
    audited: 'alert_channel.test',
    realRefs: false,
  },
  { method: 'GET', path: '/alerts/rules', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/alerts/rules',
    audited: 'alert_rule.create',
    realRefs: true,
    body: {
      name: 'fz',
      events: ['server_down'],
      channel_ids: ['00000000-0000-4000-8000-000000000000'],
    },
  },
  {
    method: 'PATCH',
    path: '/alerts/rules/:id',
    audited: 'alert_rule.update',
    realRefs: false,
    body: { enabled: false },
  },
  { method: 'DELETE', path: '/alerts/rules/:id', audited: 'alert_rule.delete', realRefs: false },
  { method: 'GET', path: '/maintenance-windows', audited: null, realRefs: true },
  {
    method: 'POST',
    path: '/maintenance-windows',
    audited: 'maintenance_window.create',
    realRefs: true,
    body: { name: 'fz', starts_at: '2026-01-01T00:00:00Z', ends_at: '2026-01-02T00:00:00Z' },
  },
  {
    method: 'PATCH',
    path: '/maintenance-windows/:id',
    audited: 'maintenance_window.update',
    realRefs: false,
    body: { name: 'fz2' },
  },
  {
    method: 'DELETE',
    path: '/maintenance-windows/:id',
    audited: 'maintenance_window.delete',
    realRefs: false,
  },
  { method: 'GET', path: '/alerts/deliveries', audited: null, realRefs: true },
];

/** Path segments as sent: pre-encoded, including ones no decoder accepts. */
const oddSegment = fc.oneof(
  fc.constantFrom('%00', '%ED%A0%80', '%', '%zz', '%0A', '..', '%20', 'a'.repeat(5_000)),
  fc.uuid(),
  oddString(16).map((s) => (s.isWellFormed() ? encodeURIComponent(s) : '%ED%B0%80')),
);

const oddQuery = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?actor=%00',
    '?limit=-1',
    '?limit=99999999999999999999',
    '?after=%ED%A0%80',
    '?before=1e309',
    '?window=%0A',
    '?a[b]=c',
    '?limit=1&limit=2',
    '?health_status=%00',
  ),
  fc
    .array(fc.tuple(oddSegment, oddSegment), { maxLength: 3 })
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

function deepText(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A body as sent: text, possibly malformed, mostly a valid body with one field made odd. */
function oddBody(route: Route): fc.Arbitrary<string | undefined> {
  const mutated = route.body
    ? fc
        .tuple(fc.constantFrom(...Object.keys(route.body), 'extra'), oddJson())
        .map(([key, value]) => JSON.stringify({ ...route.body, [key]: value }))
    : fc.constant(undefined);
  return fc.oneof(
    { weight: 4, arbitrary: mutated },
    { weight: 2, arbitrary: oddJson().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(64, 65, 20_000).map(deepText),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(oddJson(), fc.nat()).map(([v, cut]) => {
        const text = JSON.stringify({ v }) ?? '{';
        return text.slice(0, cut % text.length);
      }),
    },
    { weight: 1, arbitrary: oddString(40) },
  );
}

interface FuzzRequest {
  role: Role;
  route: Route;
  path: string;
  body: string | undefined;
  contentType: string | null;
  /** Some ask for the streamed answer (issue 18); its `error` event counts as its status. */
  accept?: string;
}

/** Run ids: odd segments, and well-shaped ones (a replica tag, a dot) that no replica holds. */
const oddRunId = fc.oneof(
  oddSegment,
  fc.constantFrom('abcdefghijkl.AAAA', '.x', 'x.', 'x.y.z', '%2E'),
);

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom(...ROUTES)
  .chain((route) =>
    fc.record({
      role: fc.constantFrom<Role>('admin', 'admin', 'operator', 'viewer', 'none'),
      route: fc.constant(route),
      id: route.realRefs
        ? fc.oneof(
            fc.constantFrom('up', 'health_check', 'circuit_breaker', 'rate_limits'),
            oddSegment,
          )
        : oddSegment,
      tool: fc.oneof(fc.constant('echo'), oddSegment),
      runId: oddRunId,
      accept: fc.constantFrom(undefined, undefined, undefined, 'text/event-stream'),
      query: oddQuery,
      body: oddBody(route),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'text/plain',
        'application/json; charset=utf-16',
        null,
      ),
    }),
  )
  .map(({ role, route, id, tool, runId, accept, query, body, contentType }) => ({
    role,
    route,
    accept,
    path:
      route.path
        .replace(':id', id)
        .replace(':key', id)
        .replace(':tool', tool)
        .replace(':run_id', runId) + query,
    // fetch sends no body with GET.
    body: route.method === 'GET' ? undefined : body,
    contentType,
  }));

/**
 * Issue 13, "done means": malformed requests across every route family, from every role and
 * none, end with no 5xx, exactly one audit entry per authenticated request to an audited route,
 * and no half-written row.
 */
describe(`fuzz: ${REQUESTS} malformed requests across every route family (e2e)`, () => {
  let t: TestApp;
  let upstream: Upstream;
  let pg: Client;
  const tokens = {} as Record<Role, string | null>;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
    await t.putConfig('rate_limits', {
      login_attempts_per_minute: 10_000,
      login_lockout_threshold: 5,
      login_lockout_seconds: 1,
      login_lockout_max_seconds: 1,
      tool_executions_per_minute: 100_000,
    });
    upstream = await startUpstream('streamable_http');
    expect((await t.api('POST', '/api/v1/mcp/servers', upstream.registration('up'))).status).toBe(
      201,
    );
    tokens.admin = t.adminToken;
    tokens.operator = await t.tokenFor('operator');
    tokens.viewer = await t.tokenFor('viewer');
    tokens.none = null;
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await upstream?.stop();
  });

  const count = async (sql: string) => Number((await pg.query(sql)).rows[0].n);
  const auditedRows = () =>
    count(`SELECT count(*) AS n FROM omni2.audit_log WHERE action NOT LIKE 'auth.login%'`);

  it('answers every one with less than 500, audits each audited one once, keeps no half-written row', async () => {
    const requests = fc.sample(fuzzRequest, { seed: FC_PARAMS.seed, numRuns: REQUESTS });
    // A few bodies over the 1 MB limit, on an audited route and a public one.
    const big = `{"name":"${'x'.repeat(1_100_000)}"}`;
    const route = (method: string, path: string) =>
      ROUTES.find((r) => r.method === method && r.path === path)!;
    requests.push(
      {
        role: 'admin',
        route: route('POST', '/mcp/servers'),
        path: '/mcp/servers',
        body: big,
        contentType: 'application/json',
      },
      {
        role: 'none',
        route: route('POST', '/auth/login'),
        path: '/auth/login',
        body: big,
        contentType: 'application/json',
      },
    );
    const auditBefore = await auditedRows();
    const rowsBefore = {
      servers: await count('SELECT count(*) AS n FROM omni2.mcp_servers'),
      users: await count('SELECT count(*) AS n FROM omni2.users'),
      keys: await count('SELECT count(*) AS n FROM omni2.api_keys'),
    };
    const results = await mapWithConcurrency(requests, 4, async (r) => {
      const res = await callApi<any>(
        t.baseUrl,
        r.route.method,
        `/api/v1${r.path}`,
        r.body,
        tokens[r.role],
        {
          ...(r.contentType === null ? {} : { 'content-type': r.contentType }),
          ...(r.accept === undefined ? {} : { accept: r.accept }),
        },
      );
      // A streamed run that failed after it started says so in its `error` event.
      const streamed = /^event: error\ndata: (.*)$/m.exec(
        res.headers.get('content-type')?.includes('text/event-stream') ? res.text : '',
      );
      const failure = streamed ? (JSON.parse(streamed[1]) as Record<string, unknown>) : null;
      return {
        request: r,
        status: failure ? Number(failure.statusCode) : res.status,
        code: (failure?.code ?? res.body?.code) as string | undefined,
        message: String(failure?.message ?? res.body?.message ?? ''),
      };
    });

    const serverErrors = results.filter((r) => r.status >= 500);
    expect(
      serverErrors.map(
        (r) => `${r.request.route.method} ${r.request.path.slice(0, 80)} -> ${r.status} ${r.code}`,
      ),
    ).toEqual([]);

    // Audited: an authenticated request that reached an @Audited route. A path the router cannot
    // decode (%zz, an encoded surrogate) or does not know reaches no route, and no authentication.
    const audited = results.filter(
      (r) =>
        r.request.route.audited !== null &&
        r.request.role !== 'none' &&
        r.status !== 401 &&
        r.code !== 'ROUTE_NOT_FOUND' &&
        !r.message.startsWith('path: Failed to decode param'),
    );
    expect(audited.length).toBeGreaterThan(REQUESTS / 3);
    const written = await pollUntil(auditedRows, (n) => n >= auditBefore + audited.length, {
      what: 'an audit entry for every audited request',
      timeoutMs: 20_000,
    });
    expect(written - auditBefore).toBe(audited.length);
    const byAction = new Map<string, number>();
    for (const r of audited) {
      byAction.set(r.request.route.audited!, (byAction.get(r.request.route.audited!) ?? 0) + 1);
    }
    const { rows } = await pg.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM (
         SELECT action FROM omni2.audit_log WHERE action NOT LIKE 'auth.login%'
          ORDER BY id DESC LIMIT $1) recent GROUP BY action`,
      [audited.length],
    );
    expect(Object.fromEntries(rows.map((r) => [r.action, r.n]))).toEqual(
      Object.fromEntries(byAction),
    );

    // Nothing half-written: rows exist exactly for the requests that succeeded, and are valid.
    const created = (path: string, status: number) =>
      results.filter(
        (r) =>
          r.request.route.method === 'POST' &&
          r.request.path.split('?')[0] === path &&
          r.status === status,
      ).length;
    const deleted = (prefix: string) =>
      results.filter(
        (r) =>
          r.request.route.method === 'DELETE' &&
          r.request.path.startsWith(prefix) &&
          r.request.route.path === `${prefix}:id` &&
          r.status === 204,
      ).length;
    expect(await count('SELECT count(*) AS n FROM omni2.mcp_servers')).toBe(
      rowsBefore.servers + created('/mcp/servers', 201) - deleted('/mcp/servers/'),
    );
    expect(await count('SELECT count(*) AS n FROM omni2.users')).toBe(
      rowsBefore.users + created('/users', 201) - deleted('/users/'),
    );
    expect(await count('SELECT count(*) AS n FROM omni2.api_keys')).toBe(
      rowsBefore.keys + created('/api-keys', 201),
    );
    expect(await count('SELECT count(*) AS n FROM omni2.alert_channels')).toBe(
      created('/alerts/channels', 201) - deleted('/alerts/channels/'),
    );
    expect(await count('SELECT count(*) AS n FROM omni2.maintenance_windows')).toBe(
      created('/maintenance-windows', 201) - deleted('/maintenance-windows/'),
    );
    const codec = testCodec();
    const servers = await pg.query(
      'SELECT name, protocol, url, command, auth_type, auth_config, env FROM omni2.mcp_servers',
    );
    for (const s of servers.rows) {
      expect(SERVER_NAME_PATTERN.test(s.name)).toBe(true);
      expect(PROTOCOLS).toContain(s.protocol);
      expect(AUTH_TYPES).toContain(s.auth_type);
      expect(s.protocol === 'stdio' ? s.command : s.url).toBeTruthy();
      expect(() => codec.open(s.env, 'env')).not.toThrow();
    }
    const users = await pg.query<{ username: string }>('SELECT username FROM omni2.users');
    for (const u of users.rows) expect(USERNAME_PATTERN.test(u.username)).toBe(true);
    // The fixture still works: the server it fuzzed around answers.
    expect((await t.api('POST', '/api/v1/mcp/servers/up/enable')).status).toBe(200);
    expect((await t.api('POST', '/api/v1/mcp/servers/up/health-check')).body.ok).toBe(true);
  });
});
