import type { Role } from '@omni2/contracts';
import type { Access } from '../src/common/access.decorator';
import { RouteCatalog } from '../src/auth/route-catalog';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Every route and the least role that may call it. A route added to the app without a row here
 * fails the first test, so each new route gets a deliberate decision.
 */
const DECISIONS: Record<string, Access> = {
  'POST auth/login': 'public',
  'GET auth/me': 'viewer',
  'POST auth/password': 'viewer',
  'GET health/live': 'public',
  'GET health/ready': 'public',
  // Public for Prometheus unless OMNI2_METRICS_TOKEN is set (metrics.e2e-spec.ts covers that).
  'GET metrics': 'public',
  'GET mcp/servers': 'viewer',
  'POST mcp/servers': 'admin',
  // Takes the create body (a stdio command runs): admin, like create.
  'POST mcp/servers/test-connection': 'admin',
  'GET mcp/stdio-allowlist': 'admin',
  'GET mcp/servers/:id': 'viewer',
  'PATCH mcp/servers/:id': 'admin',
  'DELETE mcp/servers/:id': 'admin',
  'POST mcp/servers/health-check': 'operator',
  'POST mcp/servers/:id/health-check': 'operator',
  'POST mcp/servers/:id/oauth/authorize': 'operator',
  'DELETE mcp/servers/:id/oauth/tokens': 'admin',
  // The authorization server sends the operator's browser here; the state is the credential.
  'GET oauth/callback': 'public',
  // Authorization servers fetch omni2's client metadata document without credentials.
  'GET oauth/client-metadata.json': 'public',
  // SPEC §12: admins manage channels and rules, operators maintenance windows, viewers read.
  'GET alerts/channels': 'viewer',
  'POST alerts/channels': 'admin',
  'PATCH alerts/channels/:id': 'admin',
  'DELETE alerts/channels/:id': 'admin',
  'POST alerts/channels/:id/test': 'admin',
  'GET alerts/rules': 'viewer',
  'POST alerts/rules': 'admin',
  'PATCH alerts/rules/:id': 'admin',
  'DELETE alerts/rules/:id': 'admin',
  'GET maintenance-windows': 'viewer',
  'POST maintenance-windows': 'operator',
  'PATCH maintenance-windows/:id': 'operator',
  'DELETE maintenance-windows/:id': 'operator',
  'GET alerts/deliveries': 'viewer',
  'POST mcp/servers/:id/reload': 'operator',
  'POST mcp/servers/:id/enable': 'operator',
  'POST mcp/servers/:id/disable': 'operator',
  'POST mcp/servers/:id/circuit/reset': 'operator',
  'GET mcp/servers/:id/health-logs': 'viewer',
  'GET mcp/servers/:id/uptime': 'viewer',
  'GET mcp/servers/:id/capabilities': 'viewer',
  'POST mcp/servers/:id/tools/:tool/execute': 'operator',
  // Only the caller who started the run may cancel it (tool-runs.e2e-spec.ts covers that).
  'POST mcp/servers/:id/tools/:tool/runs/:run_id/cancel': 'operator',
  // Reads talk to the upstream on the operator's behalf, like running a tool.
  'POST mcp/servers/:id/resources/read': 'operator',
  'POST mcp/servers/:id/prompts/:prompt/get': 'operator',
  'GET config/:key': 'viewer',
  'PUT config/:key': 'admin',
  'GET users': 'admin',
  'POST users': 'admin',
  'PATCH users/:id': 'admin',
  'DELETE users/:id': 'admin',
  'GET api-keys': 'admin',
  'POST api-keys': 'admin',
  'DELETE api-keys/:id': 'admin',
  'GET audit': 'admin',
  'GET events': 'viewer',
};

/** Routes that only people can use: an API key has no password, so it gets 403 there. */
const USERS_ONLY = new Set(['POST auth/password']);
const UNPREFIXED = new Set(['health/live', 'health/ready', 'metrics']);
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const RANK: Record<Access, number> = { public: -1, viewer: 0, operator: 1, admin: 2 };

function urlOf(path: string): string {
  const filled = path
    .replace(':id', MISSING_ID)
    .replace(':tool', 'echo')
    .replace(':key', 'no_such_key');
  return UNPREFIXED.has(path) ? `/${filled}` : `/api/v1/${filled}`;
}

describe('access control on every route (e2e)', () => {
  let t: TestApp;
  const credentials: {
    label: string;
    role: Role | null;
    token: string | null;
    apiKey: boolean;
  }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    credentials.push({ label: 'no credential', role: null, token: null, apiKey: false });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      credentials.push({
        label: `${role} token`,
        role,
        token: await t.tokenFor(role),
        apiKey: false,
      });
    }
    for (const role of ['viewer', 'operator'] as const) {
      const key = await t.api('POST', '/api/v1/api-keys', { name: `${role} key`, role });
      expect(key.status).toBe(201);
      credentials.push({ label: `${role} API key`, role, token: key.body.key, apiKey: true });
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('has a reviewed decision for exactly the routes the app serves', () => {
    const served = Object.fromEntries(
      t.app
        .get(RouteCatalog)
        .routes()
        .map((r) => [`${r.method} ${r.path}`, r.access]),
    );
    expect(served).toEqual(DECISIONS);
  });

  it.each(Object.entries(DECISIONS))('%s needs %s', async (route, access) => {
    const [method, path] = route.split(' ') as [string, string];
    for (const c of credentials) {
      const res = await t.api(method, urlOf(path), method === 'GET' ? undefined : {}, {
        token: c.token,
      });
      const label = `${route} with ${c.label} -> ${res.status} ${res.text.slice(0, 120)}`;
      if (access === 'public') {
        expect([label, res.status]).not.toEqual([label, 401]);
        expect([label, res.status]).not.toEqual([label, 403]);
      } else if (c.role === null) {
        expect([label, res.status, res.body.code]).toEqual([label, 401, 'UNAUTHENTICATED']);
      } else if (RANK[c.role] < RANK[access] || (c.apiKey && USERS_ONLY.has(route))) {
        expect([label, res.status, res.body.code]).toEqual([label, 403, 'FORBIDDEN']);
      } else {
        expect([label, [401, 403].includes(res.status)]).toEqual([label, false]);
      }
    }
  });

  it('says which role is needed', async () => {
    const res = await t.api(
      'POST',
      '/api/v1/mcp/servers',
      {},
      { token: await t.tokenFor('operator') },
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/needs the admin role; operator-user is operator/);
  });
});
