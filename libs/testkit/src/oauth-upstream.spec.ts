import {
  Client,
  ClientCredentialsProvider,
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  refreshAuthorization,
  startAuthorization,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import { type OAuthUpstream, startOAuthUpstream } from './oauth-upstream';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

describe('startOAuthUpstream: an MCP server behind a real OAuth 2.1 authorization server', () => {
  let upstream: OAuthUpstream;
  const clients: Client[] = [];

  beforeAll(async () => {
    upstream = await startOAuthUpstream({
      accessTokenTtlSeconds: 60,
      clients: [
        {
          client_id: 'machine',
          client_secret: 'machine-secret',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          client_id: 'operator-app',
          client_secret: 'operator-secret',
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [REDIRECT],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
    });
  });

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    upstream.setRequiredScopes([]);
  });

  afterAll(async () => {
    await upstream?.stop();
  });

  it('answers an anonymous request with 401 and where its metadata is, and serves that metadata', async () => {
    const res = await fetch(upstream.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBeDefined();
    const metadata = (await (await fetch(metadataUrl!)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      resource: upstream.url,
      authorization_servers: [upstream.issuer],
    });
  });

  it('lets the SDK client in with client credentials, discovering the rest', async () => {
    const before = (await upstream.stats()).granted.client_credentials;
    const client = new Client({ name: 'spec', version: '1.0.0' });
    clients.push(client);
    const authProvider = new ClientCredentialsProvider({
      clientId: 'machine',
      clientSecret: 'machine-secret',
      expectedIssuer: upstream.issuer,
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(upstream.url), { authProvider }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    expect((await upstream.stats()).granted.client_credentials).toBe(before + 1);
  });

  it('runs an operator authorization with PKCE, refreshes with rotation, and honours revocation', async () => {
    const metadata = await discoverAuthorizationServerMetadata(upstream.issuer);
    const clientInformation = { client_id: 'operator-app', client_secret: 'operator-secret' };
    const { authorizationUrl, codeVerifier } = await startAuthorization(upstream.issuer, {
      metadata,
      clientInformation,
      redirectUrl: REDIRECT,
      scope: 'mcp offline_access',
      state: 'state-1',
      resource: upstream.url,
    });
    const back = await upstream.consent(authorizationUrl.href);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('state-1');
    const tokens = await exchangeAuthorization(upstream.issuer, {
      metadata,
      clientInformation,
      authorizationCode: back.searchParams.get('code')!,
      iss: back.searchParams.get('iss') ?? undefined,
      codeVerifier,
      redirectUri: REDIRECT,
      resource: upstream.url,
    });
    expect(tokens.refresh_token).toBeDefined();
    expect((await upstream.initializeWith(tokens.access_token)).status).toBe(200);

    const refreshed = await refreshAuthorization(upstream.issuer, {
      metadata,
      clientInformation,
      refreshToken: tokens.refresh_token!,
      resource: upstream.url,
    });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token); // rotated
    expect((await upstream.initializeWith(refreshed.access_token)).status).toBe(200);

    upstream.setRequiredScopes(['mcp', 'admin']);
    const short = await upstream.initializeWith(refreshed.access_token);
    expect(short.status).toBe(403);
    expect(short.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    upstream.setRequiredScopes([]);

    await expect(
      refreshAuthorization(upstream.issuer, {
        metadata,
        clientInformation,
        refreshToken: tokens.refresh_token!,
        resource: upstream.url,
      }),
    ).rejects.toThrow(/grant/i);
    const stats = await upstream.stats();
    expect(stats.granted.authorization_code).toBe(1);
    expect(stats.granted.refresh_token).toBe(1);

    // A replayed refresh token revokes the whole grant (what two replicas refreshing at once
    // with one token would cause): the rotated tokens stop working too.
    expect((await upstream.initializeWith(refreshed.access_token)).status).toBe(401);
  });

  it('revokes every token an administrator pulls', async () => {
    const provider = new ClientCredentialsProvider({
      clientId: 'machine',
      clientSecret: 'machine-secret',
      expectedIssuer: upstream.issuer,
    });
    const client = new Client({ name: 'spec', version: '1.0.0' });
    clients.push(client);
    await client.connect(
      new StreamableHTTPClientTransport(new URL(upstream.url), { authProvider: provider }),
    );
    const token = provider.tokens()!.access_token;
    await upstream.revokeAll();
    const res = await fetch(upstream.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('sends the operator back with access_denied when they deny', async () => {
    const metadata = await discoverAuthorizationServerMetadata(upstream.issuer);
    const { authorizationUrl } = await startAuthorization(upstream.issuer, {
      metadata,
      clientInformation: { client_id: 'operator-app' },
      redirectUrl: REDIRECT,
      scope: 'mcp',
      state: 'state-2',
      resource: upstream.url,
    });
    const back = await upstream.consent(authorizationUrl.href, 'deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('state-2');
  });
});
