import { type OAuthUpstream, startOAuthUpstream } from '@omni2/testkit';
import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';

const MACHINE = { client_id: 'omni2-machine', client_secret: 'machine-secret-0123456789' };

/**
 * SPEC §11, client credentials: a server behind a real OAuth 2.1 authorization server
 * (oidc-provider, testkit) whose access tokens live 2 seconds. omni2 discovers the authorization
 * server from the server's 401, gets tokens on its own, renews them as they expire or are
 * refused, and keeps the client secret and the tokens out of every answer. Both HTTP transports:
 * omni2's own Streamable HTTP session and the SDK's SSE transport.
 */
describe.each(['streamable_http', 'sse'] as const)(
  'OAuth to upstream servers, %s (e2e)',
  (protocol) => {
    let t: TestApp;
    let upstream: OAuthUpstream;
    const name = `oauth-${protocol.replace('_', '-')}`;

    beforeAll(async () => {
      t = await startTestApp();
      upstream = await startOAuthUpstream({
        protocol,
        accessTokenTtlSeconds: 2,
        clients: [{ ...MACHINE, grant_types: ['client_credentials'] }],
      });
    });

    afterAll(async () => {
      await t?.close();
      await upstream?.stop();
    });

    const register = (auth_config: Record<string, unknown>, server = name) =>
      t.api('POST', '/api/v1/mcp/servers', {
        name: server,
        protocol,
        url: upstream.url,
        auth_type: 'oauth',
        auth_config,
      });
    const check = async () =>
      (await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`)).body as {
        ok: boolean;
        error: string | null;
      };
    const grants = async () => (await upstream.stats()).granted.client_credentials;

    it('refuses an OAuth configuration it cannot use, naming the field', async () => {
      const noSecret = await register({ grant: 'client_credentials', client_id: 'x' }, 'bad-one');
      expect(noSecret.status).toBe(400);
      expect(noSecret.body.errors).toEqual([
        expect.objectContaining({ field: 'auth_config.client_secret' }),
      ]);
      const unknownField = await register(
        { ...MACHINE, grant: 'client_credentials', extra: 1 },
        'bad-two',
      );
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.errors).toEqual([
        expect.objectContaining({ field: 'auth_config.extra' }),
      ]);
      const operator = await register(
        { client_secret: 'x', grant: 'authorization_code' },
        'bad-three',
      );
      expect(operator.status).toBe(400);
      expect(operator.body.errors).toEqual([
        expect.objectContaining({ field: 'auth_config.client_id' }),
      ]);
      const key = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----';
      const both = await register(
        { ...MACHINE, grant: 'client_credentials', private_key: key, signing_algorithm: 'ES256' },
        'bad-four',
      );
      expect(both.status).toBe(400);
      expect(both.body.errors).toEqual([
        expect.objectContaining({ field: 'auth_config.private_key' }),
      ]);
      const noAlgorithm = await register(
        { grant: 'client_credentials', client_id: 'x', private_key: key },
        'bad-five',
      );
      expect(noAlgorithm.status).toBe(400);
      expect(noAlgorithm.body.errors).toEqual([
        expect.objectContaining({ field: 'auth_config.signing_algorithm' }),
      ]);
      expect((await t.api('GET', '/api/v1/mcp/servers/bad-one')).status).toBe(404);
      // Odd bytes in the credentials: a NUL is refused naming the field; a lone surrogate is kept
      // or refused the same way, and a kept one fails its check as a result, never a 500.
      const nul = await register(
        { ...MACHINE, grant: 'client_credentials', client_secret: 'b\u0000' },
        'odd-nul',
      );
      expect(nul.status).toBe(400);
      expect(nul.body.errors).toEqual([
        expect.objectContaining({ field: 'auth_config.client_secret' }),
      ]);
      const lone = await register(
        { ...MACHINE, grant: 'client_credentials', client_id: 'a\ud800' },
        'odd-lone',
      );
      if (lone.status === 201) {
        const check = await t.api('POST', '/api/v1/mcp/servers/odd-lone/health-check');
        expect(check.status).toBe(200);
        expect(check.body).toMatchObject({ ok: false });
      } else {
        expect(lone.status).toBe(400);
        expect(lone.body.errors[0].field).toMatch(/^auth_config\./);
      }
      expect(
        (
          await register(
            { grant: 'client_credentials', client_id: 'x', client_secret: 7 },
            'bad-six',
          )
        ).body.errors,
      ).toEqual([expect.objectContaining({ field: 'auth_config.client_secret' })]);
    });

    it('stays healthy across token expiries, renewing as the tokens run out, with secrets kept out', async () => {
      const created = await register({ ...MACHINE, grant: 'client_credentials', scopes: ['mcp'] });
      expect(created.status).toBe(201);
      expect(created.body.auth_config).toBe('***');
      const before = await grants();
      const started = Date.now();
      let checks = 0;
      // Checks and calls for three token lifetimes; every one of them must succeed.
      await pollUntil(
        async () => {
          const result = await check();
          expect(result).toMatchObject({ ok: true, error: null });
          const call = await t.api('POST', `/api/v1/mcp/servers/${name}/tools/echo/execute`, {
            arguments: { text: 'through oauth' },
          });
          expect(call.status).toBe(200);
          expect(call.body.is_error).toBe(false);
          checks++;
          return Date.now() - started;
        },
        (elapsed) => elapsed > 6_000,
        { timeoutMs: 30_000, intervalMs: 200, what: 'three token lifetimes of checks' },
      );
      const obtained = (await grants()) - before;
      // Renewed before each expiry (a fifth of 2 s ahead), not per request.
      expect(obtained).toBeGreaterThanOrEqual(3);
      expect(obtained).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1_600) + 1);
      expect(obtained).toBeLessThan(checks);
      const view = await t.api('GET', `/api/v1/mcp/servers/${name}`);
      expect(JSON.stringify(view.body)).not.toContain(MACHINE.client_secret);
      expect(view.body.health_status).toBe('healthy');
    });

    it('gets a new token when the server refuses the one it has (revoked early)', async () => {
      await upstream.revokeAll();
      const before = await grants();
      expect(await check()).toMatchObject({ ok: true });
      expect(await grants()).toBe(before + 1);
    });

    it('reports a refused client as an authentication failure without its secret', async () => {
      const wrong = 'wrong-secret-abcdefghijkl';
      expect(
        (
          await register(
            { grant: 'client_credentials', client_id: MACHINE.client_id, client_secret: wrong },
            `${name}-wrong`,
          )
        ).status,
      ).toBe(201);
      const result = (await t.api('POST', `/api/v1/mcp/servers/${name}-wrong/health-check`))
        .body as { ok: boolean; error_kind: string; error: string };
      expect(result).toMatchObject({ ok: false, error_kind: 'auth' });
      expect(result.error).not.toContain(wrong);
      const view = await t.api('GET', `/api/v1/mcp/servers/${name}-wrong`);
      expect(view.body.last_error_kind).toBe('auth');
      expect(JSON.stringify(view.body)).not.toContain(wrong);
    });
  },
);
