import { type OAuthUpstream, startOAuthUpstream } from '@omni2/testkit';
import { DataSource } from 'typeorm';
import { FakeClock } from '../../test/support/fake-clock';
import { testCodec } from '../../test/support/secrets';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { OAuthTokenEntity } from './oauth-token.entity';
import { AuthorizationRequiredError, TokensRefusedError } from '../connections/upstream-errors';
import { type OAuthTarget, TokenBroker } from './token-broker';

const REDIRECT = 'http://127.0.0.1:9/api/v1/oauth/callback';

/**
 * Two brokers on two connection pools stand for two replicas sharing one database; the
 * authorization server is a real one (oidc-provider, testkit). The brokers' clock is fake, so
 * "the token is about to expire" is a step, not a wait; the authorization server's is real.
 */
describe('TokenBroker on PostgreSQL against a real authorization server', () => {
  let db: TestDatabase;
  const pools: DataSource[] = [];
  let upstream: OAuthUpstream;
  let clock: FakeClock;
  let replicas: [TokenBroker, TokenBroker];

  const serverRow = async (name: string) =>
    (
      await pools[0].query<{ id: string }[]>(
        `INSERT INTO omni2.mcp_servers (name, protocol, url, auth_type)
         VALUES ($1, 'streamable_http', $2, 'oauth') RETURNING id`,
        [name, upstream.url],
      )
    )[0].id;

  /** A client-credentials server of the upstream's (at `url`, by default its MCP endpoint). */
  const machineTarget = async (name: string, url = upstream.url): Promise<OAuthTarget> => ({
    id: await serverRow(name),
    url,
    settings: {
      grant: 'client_credentials',
      client_id: 'omni2-machine',
      client_secret: 'machine-secret',
    },
    timeoutMs: 5_000,
  });

  /** Twenty callers, half on each replica, all at once. */
  const burst = (target: OAuthTarget, rejected?: string) =>
    Promise.all(
      Array.from({ length: 20 }, (_, i) => replicas[i % 2].accessToken(target, rejected)),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      pools.push(await new DataSource(dataSourceOptions(db.url, 4)).initialize());
    }
    upstream = await startOAuthUpstream({
      accessTokenTtlSeconds: 60,
      clients: [
        {
          client_id: 'omni2-machine',
          client_secret: 'machine-secret',
          grant_types: ['client_credentials'],
        },
        {
          client_id: 'omni2',
          client_secret: 'omni2-secret',
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [REDIRECT],
          response_types: ['code'],
        },
      ],
    });
  });

  beforeEach(() => {
    clock = new FakeClock(Date.now());
    const codec = testCodec();
    replicas = pools.map(
      (ds) => new TokenBroker(ds.getRepository(OAuthTokenEntity), codec, clock),
    ) as [TokenBroker, TokenBroker];
  });

  afterAll(async () => {
    await upstream?.stop();
    for (const ds of pools) await ds.destroy();
    await db?.drop();
  });

  it('gets a client-credentials token once for all callers on all replicas, and once per expiry', async () => {
    const target = await machineTarget('machine');
    const before = (await upstream.stats()).granted.client_credentials;
    const first = await burst(target);
    expect(new Set(first).size).toBe(1);
    expect((await upstream.stats()).granted.client_credentials).toBe(before + 1);
    expect((await upstream.initializeWith(first[0])).status).toBe(200);

    clock.t += 55_000; // inside the last fifth of the 60 s lifetime
    const second = await burst(target);
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    expect((await upstream.stats()).granted.client_credentials).toBe(before + 2);

    // The server refused the token (revoked early): renewed once, though it had not expired.
    const third = await burst(target, second[0]);
    expect(new Set(third).size).toBe(1);
    expect(third[0]).not.toBe(second[0]);
    expect((await upstream.stats()).granted.client_credentials).toBe(before + 3);

    const [row] = await pools[0].query<{ tokens: string; renewals: number }[]>(
      'SELECT tokens, renewals FROM omni2.mcp_oauth_tokens WHERE server_id = $1',
      [target.id],
    );
    expect(row.renewals).toBe(3);
    expect(row.tokens).not.toContain(third[0]); // sealed
  });

  it('refreshes an operator-authorized token once per expiry across replicas, then asks for the operator when revoked', async () => {
    const target: OAuthTarget = {
      id: await serverRow('operator'),
      url: upstream.url,
      settings: { grant: 'authorization_code', client_id: 'omni2', client_secret: 'omni2-secret' },
      timeoutMs: 5_000,
    };
    await expect(replicas[0].accessToken(target)).rejects.toBeInstanceOf(
      AuthorizationRequiredError,
    );

    // What the callback route will do: the operator approved, the code is exchanged and stored.
    const tokens = await upstream.authorize(
      { client_id: 'omni2', client_secret: 'omni2-secret' },
      REDIRECT,
      'mcp offline_access',
    );
    await replicas[0].store(target.id, tokens, {
      client_id: 'omni2',
      client_secret: 'omni2-secret',
      authorization_server_url: upstream.issuer,
      resource: upstream.url,
    });
    const before = (await upstream.stats()).granted.refresh_token;

    expect(new Set(await burst(target))).toEqual(new Set([tokens.access_token]));
    clock.t += 55_000;
    const refreshed = await burst(target);
    expect(new Set(refreshed).size).toBe(1);
    expect((await upstream.stats()).granted.refresh_token).toBe(before + 1);
    // No refresh token was spent twice: a replay would have revoked the grant, this token too.
    expect((await upstream.initializeWith(refreshed[0])).status).toBe(200);

    await upstream.revokeAll();
    await expect(replicas[1].accessToken(target, refreshed[0])).rejects.toBeInstanceOf(
      AuthorizationRequiredError,
    );
  });

  it('sends the client secret nowhere when the metadata is briefly unavailable, and recovers', async () => {
    const target = await machineTarget('flaky-metadata');
    const before = (await upstream.stats()).granted.client_credentials;
    const strays = upstream.server.stray.length;
    upstream.setMetadataAvailable(false);
    try {
      await expect(replicas[0].accessToken(target)).rejects.toThrow();
    } finally {
      upstream.setMetadataAvailable(true);
    }
    // No guess at the MCP server's own origin (its /token, its authorization metadata).
    expect(upstream.server.stray.slice(strays)).toEqual([]);
    expect((await upstream.stats()).granted.client_credentials).toBe(before);
    await expect(replicas[0].accessToken(target)).resolves.toEqual(expect.any(String));
  });

  it('stops renewing for a server that refuses every fresh token, and tries again later', async () => {
    const target = await machineTarget('refuses-all');
    // Each replica hands back the token it sent, as a session does after a 401.
    let token = await replicas[0].accessToken(target);
    for (let i = 0; i < 5; i++) {
      const next = await replicas[0].accessToken(target, token);
      expect(next).not.toBe(token);
      token = next;
    }
    const before = (await upstream.stats()).granted.client_credentials;
    // A machine client's settings must change: a counted failure, not "authorization needed".
    await expect(replicas[0].accessToken(target, token)).rejects.toBeInstanceOf(TokensRefusedError);
    expect((await upstream.stats()).granted.client_credentials).toBe(before);
    clock.t += 61_000; // a minute on, the refusals may have passed: asked again
    await expect(replicas[0].accessToken(target, token)).resolves.not.toBe(token);
  });

  it('refuses metadata that names another resource', async () => {
    const target = await machineTarget('elsewhere', upstream.url.replace('/mcp', '/other'));
    await expect(replicas[0].accessToken(target)).rejects.toThrow(/another resource/);
  });
});
