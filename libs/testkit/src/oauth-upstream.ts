import { type ChildProcess, spawn } from 'node:child_process';
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  type OAuthTokens,
  startAuthorization,
} from '@modelcontextprotocol/client';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Behaviour } from './behaviour';
import { type HttpProtocol, startHttpMcpServer, type TestMcpServer } from './http-server';

/** The authorization server's process (a real one: oidc-provider; see bin/oauth-server.mjs). */
export const OAUTH_SERVER_SCRIPT = resolve(__dirname, '..', 'bin', 'oauth-server.mjs');

/** A client the authorization server knows before any request (RFC 7591 metadata names). */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  grant_types: ('client_credentials' | 'authorization_code' | 'refresh_token')[];
  redirect_uris?: string[];
  response_types?: 'code'[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  scope?: string;
}

export interface OAuthUpstreamOptions {
  protocol?: HttpProtocol;
  /** How long an access token lives; default an hour. */
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** Scopes the authorization server offers for the MCP server; default ['mcp']. */
  scopes?: string[];
  /** Scopes every MCP request needs; default none. Changeable later (step-up). */
  requiredScopes?: string[];
  clients?: RegisteredClient[];
  /** RFC 7591 dynamic client registration; default on. */
  dynamicRegistration?: boolean;
  behaviour?: Partial<Behaviour>;
  name?: string;
}

export interface TokenGrants {
  client_credentials: number;
  authorization_code: number;
  refresh_token: number;
}

/** An MCP server behind OAuth 2.1, as MCP authorization describes, with its own authorization server. */
export interface OAuthUpstream {
  /** The MCP endpoint (the protected resource). */
  readonly url: string;
  /** The authorization server's issuer. */
  readonly issuer: string;
  readonly server: TestMcpServer;
  /** Tokens issued so far, by grant type, and refresh tokens still valid. */
  stats(): Promise<{
    granted: TokenGrants;
    /** When each refresh grant succeeded, epoch ms. */
    refreshed_at: number[];
    live_refresh_tokens: number;
  }>;
  /** Revokes every access and refresh token issued so far (an administrator pulling access). */
  revokeAll(): Promise<void>;
  setRequiredScopes(scopes: string[]): void;
  /** An MCP initialize sent with `token` as the bearer: the response, whatever it is. */
  initializeWith(token: string): Promise<Response>;
  /** false: the protected-resource metadata answers 503 (a server having a bad moment). */
  setMetadataAvailable(available: boolean): void;
  /**
   * Does what an operator's browser does: opens the authorization URL, approves (or denies) on
   * the consent page, and returns where the server then redirects, without following it.
   */
  consent(authorizationUrl: string, answer?: 'approve' | 'deny'): Promise<URL>;
  /**
   * A whole operator authorization with the MCP SDK's client functions (PKCE, resource, issuer
   * check): what omni2's callback will end with. Returns the tokens.
   */
  authorize(
    client: { client_id: string; client_secret?: string },
    redirectUrl: string,
    scope: string,
  ): Promise<OAuthTokens>;
  stop(): Promise<void>;
}

export async function startOAuthUpstream(
  options: OAuthUpstreamOptions = {},
): Promise<OAuthUpstream> {
  const scopes = options.scopes ?? ['mcp'];
  const resourceServer = {
    client_id: 'testkit-resource',
    client_secret: 'testkit-resource-secret',
  };
  const child = spawn(process.execPath, [OAUTH_SERVER_SCRIPT], {
    env: {
      ...process.env,
      TESTKIT_OAUTH: JSON.stringify({
        scopes,
        accessTokenTtlSeconds: options.accessTokenTtlSeconds,
        refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
        clients: options.clients ?? [],
        dynamicRegistration: options.dynamicRegistration,
        resourceServer,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await firstLine(child);
  let required = options.requiredScopes ?? [];
  let metadataAvailable = true;
  const basic = `Basic ${Buffer.from(`${resourceServer.client_id}:${resourceServer.client_secret}`).toString('base64')}`;
  const server = await startHttpMcpServer({
    protocol: options.protocol ?? 'streamable_http',
    behaviour: options.behaviour,
    name: options.name,
    protectedBy: {
      // RFC 7662 introspection: the authorization server says whether the token is live and for us.
      async verify(token, resource) {
        const res = await fetch(`${issuer}/token/introspection`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token }),
        });
        const body = (await res.json()) as {
          active?: boolean;
          aud?: string | string[];
          scope?: string;
        };
        const audience = Array.isArray(body.aud) ? body.aud : [body.aud];
        if (!body.active || !audience.includes(resource)) return null;
        return (body.scope ?? '').split(' ').filter(Boolean);
      },
      metadata: (resource) =>
        metadataAvailable
          ? {
              resource,
              authorization_servers: [issuer],
              scopes_supported: scopes,
              bearer_methods_supported: ['header'],
            }
          : null,
      requiredScopes: () => required,
    },
  });
  const admin = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${issuer}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`oauth test server ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  await admin('/admin/resource', { resource: server.url });

  return {
    url: server.url,
    issuer,
    server,
    stats: () => admin('/admin/stats'),
    revokeAll: async () => {
      await admin('/admin/revoke', {});
    },
    initializeWith: (token) =>
      fetch(server.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'testkit', version: '1' },
          },
        }),
      }),
    setRequiredScopes(scopes) {
      required = [...scopes];
    },
    setMetadataAvailable(available) {
      metadataAvailable = available;
    },
    consent: (url, answer = 'approve') => consent(issuer, url, answer),
    async authorize(clientInformation, redirectUrl, scope) {
      const metadata = await discoverAuthorizationServerMetadata(issuer);
      const started = await startAuthorization(issuer, {
        metadata,
        clientInformation,
        redirectUrl,
        scope,
        resource: server.url,
      });
      const back = await consent(issuer, started.authorizationUrl.href, 'approve');
      return exchangeAuthorization(issuer, {
        metadata,
        clientInformation,
        authorizationCode: back.searchParams.get('code') ?? '',
        iss: back.searchParams.get('iss') ?? undefined,
        codeVerifier: started.codeVerifier,
        redirectUri: redirectUrl,
        resource: server.url,
      });
    },
    async stop() {
      await server.stop();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function firstLine(child: ChildProcess): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise((done, failed) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      failed(new Error(`oauth test server did not start within 20 s: ${stderr}`));
    }, 20_000);
    lines.once('line', () => clearTimeout(timer));
    child.once('exit', () => clearTimeout(timer));
    child.once('exit', (code) =>
      failed(new Error(`oauth test server exited (${code}): ${stderr}`)),
    );
    lines.once('line', (line) => {
      try {
        done((JSON.parse(line) as { issuer: string }).issuer);
      } catch {
        failed(new Error(`oauth test server said ${line.slice(0, 200)} instead of its issuer`));
      }
    });
  });
}

/**
 * Follows redirects on the authorization server's origin with its cookies, as a browser would,
 * answers the consent page, and stops at the first redirect that leaves for the client.
 */
async function consent(
  issuer: string,
  authorizationUrl: string,
  answer: 'approve' | 'deny',
): Promise<URL> {
  const cookies = new Map<string, string>();
  const send = async (url: URL, method: 'GET' | 'POST'): Promise<Response> => {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  };
  let url = new URL(authorizationUrl);
  let method: 'GET' | 'POST' = 'GET';
  for (let hop = 0; hop < 10; hop++) {
    if (url.origin !== new URL(issuer).origin) return url;
    const res = await send(url, method);
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url);
      method = 'GET';
      continue;
    }
    const page = await res.text();
    const action = new RegExp(`action="([^"]*/${answer})"`).exec(page)?.[1];
    if (!res.ok || !action)
      throw new Error(
        `authorization stopped at ${url.pathname}: ${res.status} ${page.slice(0, 300)}`,
      );
    url = new URL(action, url);
    method = 'POST';
  }
  throw new Error('authorization did not come back to the client within 10 redirects');
}
