import type {
  AuditPage,
  EventEnvelope,
  McpServerView,
  OAuthAuthorizationStart,
} from '@omni2/contracts';
import { type OAuthUpstream, startOAuthUpstream } from '@omni2/testkit';
import { startGatewayProcess } from './support/gateway-process';
import { pollUntil } from './support/poll';
import { startTestApp, TEST_ADMIN, testEnv, type TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

const PRE_REGISTERED = { client_id: 'omni2-console', client_secret: 'console-secret-0123456789' };

/**
 * SPEC §11, operator authorization: a server behind a real OAuth 2.1 authorization server
 * (oidc-provider, testkit) that only a person can authorize. omni2 shows it `auth_required`
 * (never counted as down), an operator starts the authorization, approves at the authorization
 * server (the testkit's consent page, driven as a browser would), the redirect comes back to
 * omni2's callback, and the server turns healthy. The state works once; revoked tokens turn the
 * server back to `auth_required` until an operator authorizes it again.
 */
describe('OAuth operator authorization (e2e)', () => {
  let t: TestApp;
  let upstream: OAuthUpstream;

  beforeAll(async () => {
    t = await startTestApp();
    upstream = await startOAuthUpstream({
      accessTokenTtlSeconds: 30,
      clients: [
        {
          ...PRE_REGISTERED,
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [`${t.baseUrl}/api/v1/oauth/callback`],
          response_types: ['code'],
        },
      ],
    });
  });

  afterAll(async () => {
    await t?.close();
    await upstream?.stop();
  });

  const register = async (name: string, auth_config: Record<string, unknown>) => {
    const res = await t.api<McpServerView>('POST', '/api/v1/mcp/servers', {
      name,
      protocol: 'streamable_http',
      url: upstream.url,
      auth_type: 'oauth',
      auth_config: { grant: 'authorization_code', ...auth_config },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const server = async (name: string) =>
    (await t.api<McpServerView>('GET', `/api/v1/mcp/servers/${name}`)).body;
  const check = (name: string) => t.api('POST', `/api/v1/mcp/servers/${name}/health-check`);
  const start = async (name: string) => {
    const res = await t.api<OAuthAuthorizationStart>(
      'POST',
      `/api/v1/mcp/servers/${name}/oauth/authorize`,
    );
    if (res.status !== 200) throw new Error(`authorize ${name}: ${res.status} ${res.text}`);
    return res.body;
  };
  /** The browser's part: approve at the authorization server, follow the redirect to omni2. */
  const approve = async (authorizationUrl: string, answer: 'approve' | 'deny' = 'approve') => {
    const back = await upstream.consent(authorizationUrl, answer);
    expect(back.href.startsWith(`${t.baseUrl}/api/v1/oauth/callback?`)).toBe(true);
    const res = await fetch(back);
    return { url: back, status: res.status, text: await res.text() };
  };
  const audit = async (action: string) =>
    (await t.api<AuditPage>('GET', `/api/v1/audit?action=${action}`)).body.items;

  it('shows a never-authorized server as auth_required, not down, however often it is checked', async () => {
    await register('needs-operator', {});
    for (let i = 0; i < 6; i += 1) expect((await check('needs-operator')).status).toBe(200);
    const view = await server('needs-operator');
    expect(view).toMatchObject({
      health_status: 'auth_required',
      last_error_kind: 'auth',
      circuit_state: 'closed',
      consecutive_failures: 0,
      status: 'active',
      oauth_grant: 'authorization_code',
    });
    // Said once, as a status change (a warning), with no breaker event at all.
    const events = (
      await t.api<{ items: EventEnvelope[] }>('GET', '/api/v1/events?limit=500')
    ).body.items.filter((e) => e.mcp_name === 'needs-operator');
    const changes = events.filter((e) => e.type === 'mcp_status_change');
    expect(changes.map((e) => [e.severity, e.data])).toEqual([
      ['warning', expect.objectContaining({ old_status: 'unknown', new_status: 'auth_required' })],
    ]);
    expect(events.filter((e) => e.type === 'circuit_breaker_state')).toEqual([]);
  });

  it('authorizes by dynamic registration: approve, callback, healthy; the state works once', async () => {
    const started = await start('needs-operator');
    const url = new URL(started.authorization_url);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(upstream.url);
    expect(url.searchParams.get('redirect_uri')).toBe(`${t.baseUrl}/api/v1/oauth/callback`);
    expect(Date.parse(started.expires_at)).toBeGreaterThan(Date.now());

    const back = await approve(started.authorization_url);
    expect(back.status).toBe(200);
    expect(back.text).toContain('omni2 is authorized for needs-operator');
    const healthy = await pollUntil(
      () => server('needs-operator'),
      (s) => s.health_status === 'healthy',
      { what: 'needs-operator healthy' },
    );
    expect(healthy.last_error_kind).toBeNull();
    const run = await t.api('POST', '/api/v1/mcp/servers/needs-operator/tools/echo/execute', {
      arguments: { text: 'authorized' },
    });
    expect(run.status).toBe(200);

    const replay = await fetch(back.url);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('unknown or was already used');

    const entries = await audit('server.oauth_authorized');
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      actor_kind: 'user',
      target_name: 'needs-operator',
      details: { outcome: 'ok' },
    });
    expect((await audit('server.oauth_authorize')).length).toBeGreaterThan(0);
  });

  it('turns auth_required when the authorization server revokes it, and healthy after a new one', async () => {
    await upstream.revokeAll();
    await pollUntil(
      async () => {
        await check('needs-operator');
        return server('needs-operator');
      },
      (s) => s.health_status === 'auth_required',
      { what: 'auth_required after revocation' },
    );
    const view = await server('needs-operator');
    expect(view).toMatchObject({ circuit_state: 'closed', status: 'active' });

    const back = await approve((await start('needs-operator')).authorization_url);
    expect(back.status).toBe(200);
    await pollUntil(
      () => server('needs-operator'),
      (s) => s.health_status === 'healthy',
      { what: 'healthy after authorizing again' },
    );
  });

  it('uses a pre-registered client, and forgets its tokens on an admin request', async () => {
    await register('pre-registered', PRE_REGISTERED);
    const started = await start('pre-registered');
    expect(new URL(started.authorization_url).searchParams.get('client_id')).toBe(
      PRE_REGISTERED.client_id,
    );
    expect((await approve(started.authorization_url)).status).toBe(200);
    await pollUntil(
      () => server('pre-registered'),
      (s) => s.health_status === 'healthy',
      { what: 'pre-registered healthy' },
    );

    const operator = await t.tokenFor('operator');
    const refused = await t.api('DELETE', '/api/v1/mcp/servers/pre-registered/oauth/tokens', null, {
      token: operator,
    });
    expect(refused.status).toBe(403);
    const forgotten = await t.api('DELETE', '/api/v1/mcp/servers/pre-registered/oauth/tokens');
    expect(forgotten.status).toBe(204);
    expect((await server('pre-registered')).health_status).toBe('auth_required');
  });

  it('records a denial without storing anything, and refuses servers an operator does not authorize', async () => {
    await register('denied', {});
    const back = await approve((await start('denied')).authorization_url, 'deny');
    expect(back.status).toBe(400);
    expect(back.text).toContain('access_denied');
    const entries = await audit('server.oauth_authorized');
    expect(entries[0]).toMatchObject({
      target_name: 'denied',
      details: { outcome: 'failed' },
    });
    await check('denied');
    expect((await server('denied')).health_status).toBe('auth_required');

    const plain = await t.api('POST', '/api/v1/mcp/servers', {
      name: 'plain',
      protocol: 'streamable_http',
      url: upstream.url,
    });
    expect(plain.status).toBe(201);
    const notOAuth = await t.api('POST', '/api/v1/mcp/servers/plain/oauth/authorize');
    expect(notOAuth.status).toBe(409);
    expect(notOAuth.body).toMatchObject({ code: 'OAUTH_NOT_AUTHORIZABLE' });
  });

  it("shows what an authorization server sends back as text, never as the page's markup", async () => {
    await register('hostile', {});
    const started = await start('hostile');
    const state = new URL(started.authorization_url).searchParams.get('state')!;
    const script = '<script>alert(document.domain)</script>';
    const res = await fetch(
      `${t.baseUrl}/api/v1/oauth/callback?state=${state}&error=access_denied&error_description=${encodeURIComponent(script)}`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const page = await res.text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
    // A JSON error of the same route is served as JSON, not under the page's content type.
    const unreadable = await fetch(`${t.baseUrl}/api/v1/oauth/callback?state=a&state=b`);
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('shows auth_required, not a down server, when checks need a scope only an operator can grant', async () => {
    await register('narrow', {});
    expect((await approve((await start('narrow')).authorization_url)).status).toBe(200);
    await pollUntil(
      () => server('narrow'),
      (s) => s.health_status === 'healthy',
      { what: 'narrow healthy' },
    );
    upstream.setRequiredScopes(['mcp', 'extra']);
    try {
      for (let i = 0; i < 6; i += 1) await check('narrow');
      expect(await server('narrow')).toMatchObject({
        health_status: 'auth_required',
        circuit_state: 'closed',
        consecutive_failures: 0,
      });
      expect((await server('narrow')).last_error).toContain('extra');
    } finally {
      upstream.setRequiredScopes([]);
    }
  });

  it('answers odd callbacks with a 400, never a 500', async () => {
    const odd = [
      '',
      '?state=',
      '?code=x',
      '?state=unknown&code=x',
      // NUL, and a lone surrogate's bytes (not UTF-8), percent-encoded as a browser would pass them.
      '?state=%00%ED%A0%80&code=%ED%BF%BF',
      `?state=${'a'.repeat(5_000)}`,
      '?state=a&state=b&code=c',
      '?error=access_denied',
    ];
    for (const query of odd) {
      const res = await fetch(`${t.baseUrl}/api/v1/oauth/callback${query}`);
      expect([query, res.status]).toEqual([query, 400]);
    }
  });

  it('publishes its client metadata document', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/oauth/client-metadata.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      client_name: 'omni2',
      redirect_uris: [`${t.baseUrl}/api/v1/oauth/callback`],
      token_endpoint_auth_method: 'none',
    });
  });
});

/**
 * SPEC §11: "tokens, secrets and codes never appear in ... logs". A real gateway process at
 * trace level goes through an authorization; its whole output is searched for the code, the
 * state and the tokens the authorization server issued.
 */
describe('OAuth operator authorization leaves no code, state or token in the logs (e2e)', () => {
  it('logs the callback without its code and state', async () => {
    const db = await createTestDatabase();
    const upstream = await startOAuthUpstream();
    const g = await startGatewayProcess({
      ...testEnv(),
      DATABASE_URL: db.url,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
    });
    try {
      const token = await g.login(TEST_ADMIN.username, TEST_ADMIN.password);
      const created = await g.call(token, 'POST', '/mcp/servers', {
        name: 'logged',
        protocol: 'streamable_http',
        url: upstream.url,
        auth_type: 'oauth',
        auth_config: { grant: 'authorization_code' },
      });
      expect(created.status).toBe(201);
      const started = await g.call<OAuthAuthorizationStart>(
        token,
        'POST',
        '/mcp/servers/logged/oauth/authorize',
      );
      expect(started.status).toBe(200);
      const back = await upstream.consent(started.body.authorization_url);
      expect(back.origin).toBe(g.base);
      expect((await fetch(back)).status).toBe(200);
      const run = await g.call(token, 'POST', '/mcp/servers/logged/tools/echo/execute', {
        arguments: { text: 'logged' },
      });
      expect(run.status).toBe(200);
      const secrets = [back.searchParams.get('code'), back.searchParams.get('state')];
      const log = g.stdout();
      expect(log).toContain('/api/v1/oauth/callback?code=***&state=***');
      for (const secret of secrets) {
        expect(secret).toEqual(expect.any(String));
        expect(log).not.toContain(secret);
      }
    } finally {
      await g.stop();
      await upstream.stop();
      await db.drop();
    }
  });
});
