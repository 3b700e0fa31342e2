import { serverView } from '../core/testing';
import { createBody, emptyForm, formFromServer, patchBody, testBlocker } from './server-form';

describe('server form', () => {
  it('creates a network server with its auth config', () => {
    const body = createBody({
      ...emptyForm(),
      name: ' github ',
      url: 'https://gh.example/mcp',
      authType: 'api_key',
      apiKey: 'k',
      apiKeyHeader: 'X-Key',
      timeoutSeconds: '15',
    });
    expect(body).toEqual({
      name: 'github',
      description: null,
      protocol: 'streamable_http',
      url: 'https://gh.example/mcp',
      auth_type: 'api_key',
      auth_config: { key: 'k', header_name: 'X-Key' },
      timeout_seconds: 15,
      status: 'active',
    });
  });

  it('creates an OAuth client-credentials server, scopes split on spaces and left out when empty', () => {
    const form = {
      ...emptyForm(),
      name: 'vendor',
      url: 'https://vendor.example/mcp',
      authType: 'oauth' as const,
      clientId: ' omni2 ',
      clientSecret: 's3cret',
      scopes: ' mcp:read  mcp:write ',
    };
    expect(createBody(form)['auth_config']).toEqual({
      grant: 'client_credentials',
      client_id: 'omni2',
      client_secret: 's3cret',
      scopes: ['mcp:read', 'mcp:write'],
    });
    expect(createBody({ ...form, scopes: '  ' })['auth_config']).toEqual({
      grant: 'client_credentials',
      client_id: 'omni2',
      client_secret: 's3cret',
    });
    // A private key replaces the secret (private_key_jwt).
    expect(
      createBody({ ...form, scopes: '', privateKey: ' PEM ', signingAlgorithm: 'RS256' })[
        'auth_config'
      ],
    ).toEqual({
      grant: 'client_credentials',
      client_id: 'omni2',
      private_key: 'PEM',
      signing_algorithm: 'RS256',
    });
  });

  it('creates an OAuth authorization code server, its client optional and never a key', () => {
    const form = {
      ...emptyForm(),
      name: 'linear',
      url: 'https://mcp.linear.example/mcp',
      authType: 'oauth' as const,
      oauthGrant: 'authorization_code' as const,
      privateKey: 'PEM typed before the grant changed',
    };
    expect(createBody(form)['auth_config']).toEqual({ grant: 'authorization_code' });
    expect(
      createBody({ ...form, clientId: ' pre-registered ', clientSecret: 's', scopes: 'mcp' })[
        'auth_config'
      ],
    ).toEqual({
      grant: 'authorization_code',
      client_id: 'pre-registered',
      client_secret: 's',
      scopes: ['mcp'],
    });
    expect(testBlocker(form, { auth: false, envNames: [] })).toContain('then use Authorize');
  });

  it('reads the grant of an edited OAuth server, client credentials when it has none', () => {
    expect(
      formFromServer(serverView({ auth_type: 'oauth', oauth_grant: 'authorization_code' }))
        .oauthGrant,
    ).toBe('authorization_code');
    expect(formFromServer(serverView()).oauthGrant).toBe('client_credentials');
  });

  it('creates a stdio server with args per line and env', () => {
    const body = createBody({
      ...emptyForm(),
      name: 'files',
      protocol: 'stdio',
      command: 'npx',
      args: '-y\n @mcp/files \n\n',
      env: [
        { name: 'TOKEN', value: 's' },
        { name: ' ', value: 'ignored' },
      ],
    });
    expect(body).toMatchObject({
      command: 'npx',
      args: ['-y', '@mcp/files'],
      env: { TOKEN: 's' },
      cwd: null,
    });
    expect(body).not.toHaveProperty('url');
  });

  it('never sends stored credentials back unless replaced', () => {
    const stored = serverView({ auth_type: 'bearer', auth_config: '***' });
    const form = formFromServer(stored);
    expect(form.replaceAuth).toBe(false);
    expect(patchBody({ ...form, description: 'new' }, stored)).toEqual({ description: 'new' });
    expect(patchBody({ ...form, replaceAuth: true, token: 't2' }, stored)).toEqual({
      auth_type: 'bearer',
      auth_config: { token: 't2' },
    });
  });

  it('sends a new auth type with its config, and none as null', () => {
    const stored = serverView({ auth_type: 'bearer', auth_config: '***' });
    expect(patchBody({ ...formFromServer(stored), authType: 'none' }, stored)).toEqual({
      auth_type: 'none',
      auth_config: null,
    });
  });

  it('keeps stored env values unless the operator replaces them all', () => {
    const stored = serverView({
      protocol: 'stdio',
      url: null,
      command: 'node',
      env: { TOKEN: '***', REGION: '***' },
    });
    const form = formFromServer(stored);
    expect(form.replaceEnv).toBe(false);
    expect(form.env.map((p) => p.name)).toEqual(['TOKEN', 'REGION']);
    expect(patchBody({ ...form, timeoutSeconds: '5' }, stored)).toEqual({ timeout_seconds: 5 });
    const replaced = patchBody(
      { ...form, replaceEnv: true, env: [{ name: 'TOKEN', value: 'x' }] },
      stored,
    );
    expect(replaced).toEqual({ env: { TOKEN: 'x' } });
  });

  it('sends a bad timeout as typed so the gateway names the field', () => {
    expect(createBody({ ...emptyForm(), timeoutSeconds: 'soon' })['timeout_seconds']).toBe('soon');
  });
});
