#!/usr/bin/env node
// A real OAuth 2.1 authorization server for tests: oidc-provider (an OpenID Certified
// implementation), so omni2's OAuth client meets discovery, PKCE, resource indicators, client
// authentication, refresh-token rotation and revocation as a production server applies them.
// Its own process because oidc-provider is ESM-only. Configured by TESTKIT_OAUTH (JSON, see
// src/oauth-upstream.ts); prints `{"issuer": ...}` on its first stdout line once listening.
// Loopback only. Operator consent is a real page: GET /interaction/:uid shows what is asked,
// POST /interaction/:uid/approve or /deny answers. /admin/* lets a test count and revoke.
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';

const options = JSON.parse(process.env.TESTKIT_OAUTH ?? '{}');
const scopes = options.scopes ?? ['mcp'];
const accessTtl = options.accessTokenTtlSeconds ?? 3600;
const refreshTtl = options.refreshTokenTtlSeconds ?? 86400;
const resourceServer = options.resourceServer ?? {
  client_id: 'resource',
  client_secret: 'resource-secret',
};

const http = createServer();
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${http.address().port}`;
// The resource is known once the protected server listens; until then any loopback resource.
let resource = options.resource ?? null;

const provider = new Provider(issuer, {
  clients: [
    // A machine client has no redirect: oidc-provider wants that said, not left out.
    ...(options.clients ?? []).map((c) =>
      c.grant_types.includes('authorization_code')
        ? c
        : { response_types: [], redirect_uris: [], ...c },
    ),
    { ...resourceServer, grant_types: [], response_types: [], redirect_uris: [] },
  ],
  // The MCP scopes belong to the resource (getResourceServerInfo); listed here too so a client
  // registering dynamically may name them in its metadata (the MCP SDK does).
  scopes: ['offline_access', ...scopes],
  ttl: {
    AccessToken: accessTtl,
    ClientCredentials: accessTtl,
    RefreshToken: refreshTtl,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 600,
    Grant: refreshTtl,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      allowedPolicy: async (ctx, client) => client.clientId === resourceServer.client_id,
    },
    revocation: { enabled: true },
    registration: { enabled: options.dynamicRegistration ?? true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (resource !== null && indicator !== resource) throw new errors.InvalidTarget();
        return {
          scope: scopes.join(' '),
          audience: indicator,
          accessTokenTTL: accessTtl,
          accessTokenFormat: 'opaque',
        };
      },
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  pkce: { required: () => true },
  clientBasedCORS: () => true,
  // Quiet: the test reads outcomes from its counters, not from this process's warnings.
  renderError: async (ctx, out) => {
    ctx.type = 'json';
    ctx.body = out;
  },
});

const granted = { client_credentials: 0, authorization_code: 0, refresh_token: 0 };
/** When each refresh grant succeeded (epoch ms): a test checks one per token lifetime. */
const refreshedAt = [];
const issued = { access: new Set(), refresh: new Set() };
provider.on('grant.success', (ctx) => {
  const type = ctx.oidc.params?.grant_type;
  if (type in granted) granted[type] += 1;
  if (type === 'refresh_token') refreshedAt.push(Date.now());
});
provider.on('access_token.saved', (token) => issued.access.add(token.jti));
provider.on('client_credentials.saved', (token) => issued.access.add(token.jti));
provider.on('refresh_token.saved', (token) => issued.refresh.add(token.jti));

async function revokeAll() {
  for (const jti of issued.refresh) await (await provider.RefreshToken.find(jti))?.destroy();
  for (const jti of issued.access) {
    await (await provider.AccessToken.find(jti))?.destroy();
    await (await provider.ClientCredentials.find(jti))?.destroy();
  }
  issued.refresh.clear();
  issued.access.clear();
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function interaction(req, res, uid, verb) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { client_id: clientId, scope = '' } = details.params;
  if (verb === 'approve') {
    const grant = new provider.Grant({ accountId: 'operator', clientId });
    const asked = scope.split(' ').filter(Boolean);
    // Everything asked is granted as the provider's scope too (the MCP scopes are both).
    if (asked.length > 0) grant.addOIDCScope(asked.join(' '));
    const forResource = asked.filter((s) => s !== 'offline_access').join(' ');
    grant.addResourceScope(details.params.resource ?? resource, forResource || scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, {
      login: { accountId: 'operator' },
      consent: { grantId },
    });
    return;
  }
  if (verb === 'deny') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'the operator denied the request',
    });
    return;
  }
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(`<!doctype html><html lang="en"><head><title>Authorize ${escape(clientId)}</title></head>
<body><main><h1>Authorize ${escape(clientId)}</h1>
<p data-prompt="${escape(details.prompt.name)}" data-reasons="${escape(details.prompt.reasons.join(' '))}" data-missing="${escape(JSON.stringify(details.prompt.details))}">It asks for: <span data-testid="scopes">${escape(scope || scopes.join(' '))}</span></p>
<form method="post" action="/interaction/${escape(uid)}/approve"><button type="submit">Approve</button></form>
<form method="post" action="/interaction/${escape(uid)}/deny"><button type="submit">Deny</button></form>
</main></body></html>`);
}

function admin(req, res, path) {
  const reply = (body) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  if (path === '/admin/stats') {
    return reply({ granted, refreshed_at: refreshedAt, live_refresh_tokens: issued.refresh.size });
  }
  if (path === '/admin/revoke' && req.method === 'POST')
    return revokeAll().then(() => reply({ ok: true }));
  if (path === '/admin/resource' && req.method === 'POST') {
    let body = '';
    req.on('data', (c) => (body += c));
    return new Promise((resolve) =>
      req.on('end', () => {
        try {
          resource = JSON.parse(body).resource;
          reply({ resource });
        } catch {
          res.statusCode = 400;
          reply({ error: 'invalid_request' });
        }
        resolve();
      }),
    );
  }
  res.statusCode = 404;
  return reply({ error: 'not_found' });
}

const callback = provider.callback();
http.on('request', (req, res) => {
  const path = new URL(req.url ?? '/', issuer).pathname;
  const match = /^\/interaction\/([^/]+)(?:\/(approve|deny))?$/.exec(path);
  const done = (error) => {
    if (!error) return;
    res.statusCode = 500;
    res.end(String(error?.message ?? error));
  };
  if (match) {
    interaction(req, res, match[1], match[2] ?? null).then(() => done(), done);
  } else if (path.startsWith('/admin/')) {
    Promise.resolve(admin(req, res, path)).then(() => done(), done);
  } else {
    callback(req, res);
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => http.close(() => process.exit(0)));
