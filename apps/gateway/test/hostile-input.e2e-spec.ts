import { createHmac } from 'node:crypto';
import { pollUntil } from './support/poll';
import { startPrivateRedis, type PrivateRedis } from './support/redis-server';
import { TEST_JWT_SECRET } from './support/secrets';
import { startTestApp, type ApiResponse, type TestApp } from './support/test-app';
import { startUpstream, type Upstream } from './support/upstreams';

const NUL = '\u0000';
const LONE = '\ud800';

/** `[[[...]]]` nested `depth` deep, as JSON text (JSON.stringify itself would recurse). */
function nestedJson(depth: number, inner = '1'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}

function b64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token signed with the gateway's real secret, with claims of our choosing. */
function signedToken(claims: Record<string, unknown>): string {
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
  return `${body}.${createHmac('sha256', TEST_JWT_SECRET).update(body).digest('base64url')}`;
}

interface AuditItem {
  action: string;
  actor: string;
  target_name: string | null;
  details: Record<string, unknown>;
}

/**
 * Issue 13, defects 1, 3 and 4: input omni2 cannot store or handle is a 4xx naming the field,
 * never a 500, never an upstream failure, and never lost from (or sinking) the audit log.
 */
describe('hostile input (e2e)', () => {
  let t: TestApp;
  let upstream: Upstream;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestApp();
    upstream = await startUpstream('streamable_http');
    expect((await t.api('POST', '/api/v1/mcp/servers', upstream.registration('up'))).status).toBe(
      201,
    );
    expect((await t.api('POST', '/api/v1/mcp/servers/up/health-check')).body.ok).toBe(true);
    operator = await t.tokenFor('operator');
    viewer = await t.tokenFor('viewer');
  });

  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  const audit = async (): Promise<AuditItem[]> =>
    (await t.api<{ items: AuditItem[] }>('GET', '/api/v1/audit?limit=500')).body.items;

  const expectField = (res: ApiResponse<any>, status: number, field: string) => {
    expect({ status: res.status, code: res.body?.code }).toEqual({
      status,
      code: 'VALIDATION_FAILED',
    });
    expect(res.body.errors?.map((e: { field: string }) => e.field) ?? [res.body.message]).toEqual(
      expect.arrayContaining([field]),
    );
  };

  describe('server fields with NUL, lone surrogates and control characters', () => {
    const base = { name: 'odd', protocol: 'stdio', command: 'node', args: ['-v'] };
    it.each([
      ['description', { ...base, description: `a${NUL}b` }, 'description'],
      ['args (NUL)', { ...base, args: [`--x${NUL}`] }, 'args.0'],
      ['args (lone surrogate)', { ...base, args: ['ok', `x${LONE}`] }, 'args.1'],
      ['cwd', { ...base, cwd: `/tmp${NUL}` }, 'cwd'],
      ['env value', { ...base, env: { A: `v${NUL}` } }, 'env.A'],
      ['url (NUL)', { name: 'odd', protocol: 'sse', url: `http://127.0.0.1:1/${NUL}` }, 'url'],
      ['url (CR/LF)', { name: 'odd', protocol: 'sse', url: 'http://127.0.0.1:1/a\r\nX: y' }, 'url'],
      ['url (leading space)', { name: 'odd', protocol: 'sse', url: ' http://127.0.0.1:1/' }, 'url'],
      ['url (tab inside)', { name: 'odd', protocol: 'sse', url: 'http://127.0.0.1:1/\ta' }, 'url'],
      [
        'bearer token beyond U+00FF',
        {
          name: 'odd',
          protocol: 'sse',
          url: 'http://127.0.0.1:1/',
          auth_type: 'bearer',
          auth_config: { token: 'tok\u2603' },
        },
        'auth_config.token',
      ],
    ])('%s: 400 naming the field, nothing stored', async (_label, body, field) => {
      expectField(await t.api('POST', '/api/v1/mcp/servers', body), 400, field);
      expect((await t.api('GET', '/api/v1/mcp/servers/odd')).status).toBe(404);
    });

    it('a NUL in an edit is refused and the row is unchanged', async () => {
      const before = (await t.api('GET', '/api/v1/mcp/servers/up')).body;
      expectField(
        await t.api('PATCH', '/api/v1/mcp/servers/up', { description: NUL }),
        400,
        'description',
      );
      expect((await t.api('GET', '/api/v1/mcp/servers/up')).body.description).toBe(
        before.description,
      );
    });
  });

  describe('paths, queries and logins', () => {
    it.each([
      ['a viewer reads a server %00', 'GET', '/api/v1/mcp/servers/%00', 'id'],
      ['an operator checks %00', 'POST', '/api/v1/mcp/servers/%00/health-check', 'id'],
      ['a tool named %00', 'POST', '/api/v1/mcp/servers/up/tools/%00/execute', 'tool'],
      ['an audit actor %00', 'GET', '/api/v1/audit?actor=%00', 'actor'],
      ['a health-log query %01', 'GET', '/api/v1/mcp/servers/up/health-logs?limit=%01', 'limit'],
    ])('%s: 400 naming it', async (_label, method, path, field) => {
      const token = path.includes('/audit') ? t.adminToken : method === 'GET' ? viewer : operator;
      expectField(await t.api(method, path, undefined, { token: token }), 400, field);
    });

    it('a path that is not UTF-8 (%ED%A0%80, an encoded surrogate) is a 400', async () => {
      const res = await t.api('GET', '/api/v1/mcp/servers/%ED%A0%80', undefined, { token: viewer });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });

    it('an unauthenticated login with a NUL in the user name is a 400', async () => {
      const res = await t.api(
        'POST',
        '/api/v1/auth/login',
        { username: `admin${NUL}`, password: 'x' },
        { token: null },
      );
      expectField(res, 400, 'username');
    });

    it('a validly signed token whose subject is not a user id is a 401 on every route', async () => {
      const now = Math.floor(Date.now() / 1_000);
      const token = signedToken({
        sub: 'not-a-uuid',
        iat: now,
        iat_ms: now * 1_000,
        exp: now + 600,
        iss: 'omni2',
        jti: 'x',
      });
      for (const [method, path] of [
        ['GET', '/api/v1/mcp/servers'],
        ['GET', '/api/v1/auth/me'],
        ['POST', '/api/v1/mcp/servers/up/health-check'],
        ['GET', '/api/v1/audit'],
      ] as const) {
        const res = await t.api(method, path, undefined, { token: token });
        expect([path, res.status, res.body.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
      }
    });
  });

  describe('depth', () => {
    it('a body nested 20,000 deep on any route is a 400, and an audited route records it', async () => {
      for (const path of ['/api/v1/mcp/servers', '/api/v1/users', '/api/v1/api-keys']) {
        const res = await t.api('POST', path, `{"name":${nestedJson(20_000)}}`);
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.body.errors[0].message).toMatch(/nested deeper than 64/);
      }
      const put = await t.api('PUT', '/api/v1/config/health_check', nestedJson(20_000));
      expect(put.status).toBe(400);
      const entries = await audit();
      for (const action of ['server.create', 'user.create', 'api_key.create', 'config.update']) {
        expect(entries.find((e) => e.action === action)?.details.outcome).toBe('VALIDATION_FAILED');
      }
    });

    it('tool arguments nested 20,000 deep are a 400 that never reaches the upstream or the breaker', async () => {
      const callsBefore = upstream.calls().length;
      for (let i = 0; i < 6; i++) {
        const res = await t.api(
          'POST',
          '/api/v1/mcp/servers/up/tools/echo/execute',
          `{"arguments":{"text":"x","deep":${nestedJson(20_000)}}}`,
          { token: operator },
        );
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe('arguments.deep.0');
      }
      const server = (await t.api('GET', '/api/v1/mcp/servers/up')).body;
      expect(server).toMatchObject({
        consecutive_failures: 0,
        circuit_state: 'closed',
        health_status: 'healthy',
      });
      expect(upstream.calls().length).toBe(callsBefore);
    });
  });

  describe('the audit log keeps every entry', () => {
    let toolCallsBefore = 0;
    beforeEach(() => {
      toolCallsBefore = upstream.calls().filter((c) => c.method === 'tools/call').length;
    });

    it('a tool run with argument names NUL and a lone surrogate, beside a concurrent edit: all recorded', async () => {
      const runs = await Promise.all([
        t.api(
          'POST',
          '/api/v1/mcp/servers/up/tools/echo/execute',
          `{"arguments":{"text":"hi","\\u0000":1}}`,
          { token: operator },
        ),
        t.api('PATCH', '/api/v1/mcp/servers/up', { description: 'edited beside odd input' }),
        t.api(
          'POST',
          '/api/v1/mcp/servers/up/tools/echo/execute',
          `{"arguments":{"text":"hi","\\ud800":1}}`,
          { token: operator },
        ),
      ]);
      // The odd names pass through to the tool, which answers; each run is audited.
      expect(runs.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(upstream.calls().filter((c) => c.method === 'tools/call').length).toBe(
        toolCallsBefore + 2,
      );
      const entries = await pollUntil(audit, (items) =>
        items.some((e) => e.action === 'server.update' && e.target_name === 'up'),
      );
      const runsLogged = entries.filter(
        (e) =>
          e.action === 'tool.execute' &&
          Array.isArray((e.details.request as any)?.arguments?.names) &&
          ((e.details.request as any).arguments.names as string[]).includes('\ufffd'),
      );
      expect(runsLogged).toHaveLength(2);
    });

    it('a client that goes away mid-action does not hide what the action did', async () => {
      upstream.setBehaviour({ delayMs: 600 });
      try {
        const aborted = new AbortController();
        const sent = fetch(`${t.baseUrl}/api/v1/mcp/servers/up/tools/echo/execute`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
          body: JSON.stringify({ arguments: { text: 'left early' } }),
          signal: aborted.signal,
        });
        await pollUntil(
          () => upstream.calls().filter((c) => c.method === 'tools/call').length,
          (n) => n > 0 && n === toolCallsBefore + 1,
          { what: 'the call to reach the upstream' },
        );
        aborted.abort();
        await expect(sent).rejects.toThrow();
        const entry = await pollUntil(
          audit,
          (items) => items.some((e) => e.action === 'tool.execute' && e.details.client_closed),
          { what: 'the entry of the abandoned call' },
        );
        expect(
          entry.find((e) => e.action === 'tool.execute' && e.details.client_closed),
        ).toMatchObject({ details: { outcome: 'ok', is_error: false, status: null } });
      } finally {
        upstream.setBehaviour({ delayMs: 0 });
      }
    });

    it('a malformed body and a refused role on audited routes are recorded with their outcome', async () => {
      const malformed = await t.api('POST', '/api/v1/mcp/servers', '{"name": "x",');
      expect(malformed.status).toBe(400);
      const forbidden = await t.api('DELETE', '/api/v1/mcp/servers/up', undefined, {
        token: viewer,
      });
      expect(forbidden.status).toBe(403);
      const entries = await audit();
      expect(
        entries.find((e) => e.action === 'server.create' && e.details.status === 400),
      ).toBeDefined();
      expect(
        entries.find((e) => e.action === 'server.delete' && e.actor === 'viewer-user'),
      ).toMatchObject({ details: { outcome: 'FORBIDDEN', status: 403 } });
      expect((await t.api('GET', '/api/v1/mcp/servers/up')).status).toBe(200);
    });
  });
});

describe('the event feed while Redis is down (e2e)', () => {
  let t: TestApp;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApp({ REDIS_URL: redis.url });
  });

  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('answers 503 naming the event stream, then serves again when Redis is back', async () => {
    expect((await t.api('GET', '/api/v1/events')).status).toBe(200);
    await redis.kill();
    const down = await t.api('GET', '/api/v1/events?limit=5');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      details: { dependency: 'redis' },
    });
    expect(down.headers.get('retry-after')).toBe('2');
    await redis.restart();
    await pollUntil(
      async () => (await t.api('GET', '/api/v1/events')).status,
      (status) => status === 200,
      { what: 'events readable again' },
    );
  });
});
