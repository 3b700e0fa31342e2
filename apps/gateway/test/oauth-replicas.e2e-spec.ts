import { randomBytes } from 'node:crypto';
import {
  type McpServerView,
  type OAuthAuthorizationStart,
  RUNTIME_DEFAULTS,
} from '@omni2/contracts';
import { type OAuthUpstream, startOAuthUpstream } from '@omni2/testkit';
import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const TOKEN_SECONDS = 5;
const RUN_MS = 60_000;

/**
 * Issue 16's "done means": an operator-authorized server whose access tokens live 5 seconds,
 * served by two replicas on one database for a minute of scheduled checks (every second) and
 * tool calls through both. It stays healthy throughout, with one refresh per token lifetime
 * (the authorization server rotates refresh tokens and revokes the grant on a replay, so two
 * replicas spending one refresh token would end it). Revoking at the authorization server turns
 * it to `auth_required` (never down, never disabled); one authorization makes it healthy again.
 */
describe('OAuth across two replicas for a minute (e2e)', () => {
  let db: TestDatabase;
  let replicas: [TestApp, TestApp];
  let upstream: OAuthUpstream;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Replicas share events through Redis, as deployed.
    const env = {
      OMNI2_COORDINATOR_TICK_MS: '100',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      OMNI2_REDIS_NAMESPACE: `oauth${randomBytes(4).toString('hex')}`,
    };
    replicas = [
      await startTestApp(env, { database: db }),
      await startTestApp(env, { database: db }),
    ];
    await replicas[0].putConfig('health_check', {
      ...RUNTIME_DEFAULTS.health_check,
      interval_seconds: 1,
      unhealthy_interval_seconds: 1,
    });
    upstream = await startOAuthUpstream({ accessTokenTtlSeconds: TOKEN_SECONDS });
  });

  afterAll(async () => {
    for (const r of replicas ?? []) await r?.close();
    await upstream?.stop();
    await db?.drop();
  });

  const view = async (via: TestApp) =>
    (await via.api<McpServerView>('GET', '/api/v1/mcp/servers/minute')).body;
  /** Operator: Authorize on `via`; browser: approve, land on that replica's callback. */
  const authorize = async (via: TestApp) => {
    const started = await via.api<OAuthAuthorizationStart>(
      'POST',
      '/api/v1/mcp/servers/minute/oauth/authorize',
    );
    expect(started.status).toBe(200);
    const back = await upstream.consent(started.body.authorization_url);
    expect((await fetch(back)).status).toBe(200);
  };

  it(
    'stays healthy for a minute with one refresh per expiry, and recovers from a revocation',
    async () => {
      const created = await replicas[0].api('POST', '/api/v1/mcp/servers', {
        name: 'minute',
        protocol: 'streamable_http',
        url: upstream.url,
        auth_type: 'oauth',
        auth_config: { grant: 'authorization_code' },
      });
      expect(created.status).toBe(201);
      await authorize(replicas[1]);
      await pollUntil(
        () => view(replicas[0]),
        (s) => s.health_status === 'healthy',
        { what: 'healthy after authorizing' },
      );

      const started = Date.now();
      const before = (await upstream.stats()).refreshed_at.length;
      const calls: number[] = [];
      const seen = new Set<string>();
      for (let i = 0; Date.now() - started < RUN_MS; i++) {
        const via = replicas[i % 2];
        const run = await via.api('POST', '/api/v1/mcp/servers/minute/tools/echo/execute', {
          arguments: { text: `call ${i}` },
        });
        calls.push(run.status);
        seen.add((await view(replicas[(i + 1) % 2])).health_status);
        // Paced by the round trips themselves, two calls a second at most.
        await pollUntil(
          () => Date.now(),
          (now) => now - started >= (i + 1) * 500,
        );
      }
      const stats = await upstream.stats();
      const refreshes = stats.refreshed_at.slice(before);
      const gaps = refreshes.slice(1).map((at, i) => at - refreshes[i]);

      expect(calls.filter((s) => s !== 200)).toEqual([]);
      expect([...seen]).toEqual(['healthy']);
      // Renewed a second before each 5 s expiry: about 15 in a minute, never two for one.
      expect(refreshes.length).toBeGreaterThanOrEqual(RUN_MS / (TOKEN_SECONDS * 1_000));
      expect(refreshes.length).toBeLessThanOrEqual(RUN_MS / ((TOKEN_SECONDS - 1) * 1_000) + 2);
      expect(Math.min(...gaps)).toBeGreaterThan((TOKEN_SECONDS - 2) * 1_000);
      const after = await view(replicas[0]);
      expect(after).toMatchObject({ consecutive_failures: 0, circuit_state: 'closed' });

      await upstream.revokeAll();
      const waiting = await pollUntil(
        () => view(replicas[1]),
        (s) => s.health_status === 'auth_required',
        { what: 'auth_required after the revocation' },
      );
      expect(waiting).toMatchObject({
        status: 'active',
        circuit_state: 'closed',
        last_error_kind: 'auth',
      });
      await authorize(replicas[0]);
      await pollUntil(
        () => view(replicas[1]),
        (s) => s.health_status === 'healthy',
        { what: 'healthy after authorizing again' },
      );
    },
    RUN_MS + 60_000,
  );

  it('stops sending forgotten tokens on every replica, not only the one asked', async () => {
    // Tokens that live an hour: only the forgetting can stop the other replica using its copy.
    const lasting = await startOAuthUpstream();
    try {
      const created = await replicas[0].api('POST', '/api/v1/mcp/servers', {
        name: 'lasting',
        protocol: 'streamable_http',
        url: lasting.url,
        auth_type: 'oauth',
        auth_config: { grant: 'authorization_code' },
      });
      expect(created.status).toBe(201);
      const started = await replicas[0].api<OAuthAuthorizationStart>(
        'POST',
        '/api/v1/mcp/servers/lasting/oauth/authorize',
      );
      expect((await fetch(await lasting.consent(started.body.authorization_url))).status).toBe(200);
      const call = (via: TestApp) =>
        via.api('POST', '/api/v1/mcp/servers/lasting/tools/echo/execute', {
          arguments: { text: 'after forgetting' },
        });
      expect((await call(replicas[1])).status).toBe(200);
      const forgotten = await replicas[0].api('DELETE', '/api/v1/mcp/servers/lasting/oauth/tokens');
      expect(forgotten.status).toBe(204);
      const refused = await pollUntil(
        () => call(replicas[1]),
        (res) => res.status !== 200,
        { timeoutMs: 5_000, what: 'the other replica refusing to use the forgotten token' },
      );
      expect(refused.body).toMatchObject({ details: { error_kind: 'auth' } });
    } finally {
      await lasting.stop();
    }
  });
});
