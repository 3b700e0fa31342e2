import { createHash, randomBytes } from 'node:crypto';
import {
  auth,
  discoverAuthorizationServerMetadata,
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
  type FetchLike,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
} from '@modelcontextprotocol/client';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OAuthAuthorizationStart } from '@omni2/contracts';
import { LessThan, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { SecretCodec } from '../secrets/secret-codec';
import { boundedFetch } from './bounded-fetch';
import { OAuthAuthorizationEntity } from './oauth-authorization.entity';
import { OAuthPublicUrls } from './oauth-public-urls';
import {
  assertSafeAuthorizationServer,
  type OAuthTarget,
  type StoredClient,
  TokenBroker,
} from './token-broker';

/** How long an operator has to approve at the authorization server. */
const PENDING_TTL_MS = 10 * 60_000;

/** Who asked for an authorization, for the audit entry its callback writes. */
export interface Requester {
  kind: 'user' | 'api_key';
  id: string;
  name: string;
}

/** What the callback needs, kept sealed until it arrives (on any replica). */
interface Pending {
  url: string;
  code_verifier: string;
  discovery: OAuthDiscoveryState;
  client: OAuthClientInformationMixed & { issuer?: string };
  scope?: string;
}

/** The query the authorization server sends the operator's browser back with. */
export interface CallbackParams {
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  error_description?: string;
}

export interface CompletedAuthorization {
  serverId: string;
  requester: Requester;
}

/** The callback cannot be honoured; the text is safe to show the operator. */
export class AuthorizationCallbackError extends Error {
  constructor(
    message: string,
    readonly serverId: string | null = null,
    readonly requester: Requester | null = null,
  ) {
    super(message);
    this.name = 'AuthorizationCallbackError';
  }
}

/**
 * An operator authorizes omni2 for a server (SPEC §11): the authorization code grant with PKCE,
 * resource indicators and issuer checks, by the MCP SDK's `auth()`. omni2 identifies itself by
 * a pre-registered client, its Client ID Metadata Document, or dynamic registration, in that
 * order. The state and code verifier wait in the database, sealed and single use, so the
 * callback may reach any replica.
 */
@Injectable()
export class OperatorAuthorization {
  constructor(
    @InjectRepository(OAuthAuthorizationEntity)
    private readonly pending: Repository<OAuthAuthorizationEntity>,
    private readonly broker: TokenBroker,
    private readonly codec: SecretCodec,
    private readonly clock: Clock,
    private readonly urls: OAuthPublicUrls,
  ) {}

  async begin(target: OAuthTarget, requester: Requester): Promise<OAuthAuthorizationStart> {
    const fetchFn = boundedFetch(target.timeoutMs);
    const challenge = await this.challenge(target, fetchFn);
    const provider = new FlowProvider(this.urls, await this.knownClient(target));
    provider.discovery = await this.discover(target, challenge.resourceMetadataUrl, fetchFn);
    // SEP-2350: a step-up's wider scope, else the operator's, else what the server's 401 named.
    const scope =
      (await this.broker.requestedScope(target.id)) ||
      target.settings.scopes?.join(' ') ||
      challenge.scope;
    const result = await auth(provider, {
      serverUrl: target.url,
      scope,
      resourceMetadataUrl: resourceMetadataUrlOf(target, challenge.resourceMetadataUrl),
      fetchFn,
      forceReauthorization: true,
    });
    if (result !== 'REDIRECT' || !provider.authorizationUrl || !provider.client) {
      throw new Error('the authorization server issued tokens without asking the operator');
    }
    const state = provider.state();
    const expiresAt = new Date(this.clock.now() + PENDING_TTL_MS);
    const pending: Pending = {
      url: target.url,
      code_verifier: provider.codeVerifier(),
      discovery: provider.discovery,
      client: provider.client,
      ...(scope ? { scope } : {}),
    };
    await this.pending.delete({ expires_at: LessThan(new Date(this.clock.now())) });
    await this.pending.insert({
      state_hash: hashOf(state),
      server_id: target.id,
      pending: this.codec.seal(pending as unknown as Record<string, unknown>, 'oauth_tokens')!,
      requested_by: JSON.stringify(requester),
      expires_at: expiresAt,
    });
    return {
      authorization_url: provider.authorizationUrl.toString(),
      expires_at: expiresAt.toISOString(),
    };
  }

  /**
   * The operator's browser came back. The state is taken (deleted) before anything else, so it
   * works once; the server's current target must still be the one authorized.
   */
  async complete(
    params: CallbackParams,
    targetOf: (serverId: string) => Promise<OAuthTarget | null>,
  ): Promise<CompletedAuthorization> {
    if (!params.state) throw new AuthorizationCallbackError('the callback carries no state');
    type Taken = { server_id: string; pending: string; requested_by: string; expires_at: Date };
    const rows = await this.pending.query<[Taken[], number]>(
      `DELETE FROM omni2.mcp_oauth_authorizations WHERE state_hash = $1
       RETURNING server_id, pending, requested_by, expires_at`,
      [hashOf(params.state)],
    );
    const row = rows[0]?.[0];
    if (!row) {
      throw new AuthorizationCallbackError(
        'this authorization is unknown or was already used; start it again from omni2',
      );
    }
    const requester = JSON.parse(row.requested_by) as Requester;
    const fail = (message: string) =>
      new AuthorizationCallbackError(message, row.server_id, requester);
    if (new Date(row.expires_at).getTime() <= this.clock.now()) {
      throw fail('this authorization expired; start it again from omni2');
    }
    if (params.error) {
      throw fail(
        `the authorization server answered ${params.error}${params.error_description ? `: ${params.error_description}` : ''}`,
      );
    }
    if (!params.code) throw fail('the callback carries no authorization code');
    const pending = this.codec.open(row.pending, 'oauth_tokens') as unknown as Pending;
    const target = await targetOf(row.server_id);
    if (!target || target.url !== pending.url || target.settings.grant !== 'authorization_code') {
      throw fail("the server's connection settings changed since the authorization started");
    }
    const provider = new FlowProvider(this.urls, pending.client, pending);
    const fetchFn = boundedFetch(target.timeoutMs);
    await auth(provider, {
      serverUrl: target.url,
      authorizationCode: params.code,
      ...(params.iss !== undefined ? { iss: params.iss } : {}),
      ...(pending.scope ? { scope: pending.scope } : {}),
      fetchFn,
    });
    if (!provider.tokens_) throw fail('the authorization server issued no tokens');
    const client = provider.client ?? pending.client;
    const method = (client as { token_endpoint_auth_method?: unknown }).token_endpoint_auth_method;
    const stored: StoredClient = {
      client_id: client.client_id,
      ...(client.client_secret ? { client_secret: client.client_secret } : {}),
      ...(typeof method === 'string' ? { token_endpoint_auth_method: method } : {}),
      authorization_server_url: pending.discovery.authorizationServerUrl,
      resource: provider.resource ?? target.url,
      ...(client.issuer ? { issuer: client.issuer } : {}),
    };
    await this.broker.store(row.server_id, provider.tokens_, stored);
    return { serverId: row.server_id, requester };
  }

  /**
   * The client to authorize as: the operator's pre-registered one, else the one an earlier
   * authorization registered (reused, not registered again), else none (CIMD or registration).
   */
  private async knownClient(
    target: OAuthTarget,
  ): Promise<(OAuthClientInformationMixed & { issuer?: string }) | undefined> {
    const { settings } = target;
    if (settings.client_id) {
      return {
        client_id: settings.client_id,
        ...(settings.client_secret ? { client_secret: settings.client_secret } : {}),
      };
    }
    const stored = await this.broker.storedClient(target.id);
    if (!stored || stored.client_id === this.urls.clientMetadataUrl()) return undefined;
    return {
      client_id: stored.client_id,
      ...(stored.issuer ? { issuer: stored.issuer } : {}),
      ...(stored.client_secret ? { client_secret: stored.client_secret } : {}),
      ...(stored.token_endpoint_auth_method
        ? { token_endpoint_auth_method: stored.token_endpoint_auth_method }
        : {}),
    };
  }

  /**
   * Where to authorize: the operator's authorization server when named (the server publishes no
   * metadata), else discovery as MCP authorization describes it (RFC 9728, then the 2025-03-26
   * fallbacks). Either way the authorization server must be https unless on loopback.
   */
  private async discover(
    target: OAuthTarget,
    fromChallenge: URL | undefined,
    fetchFn: FetchLike,
  ): Promise<OAuthDiscoveryState> {
    const named = target.settings.authorization_server_url;
    if (named) {
      assertSafeAuthorizationServer(named);
      const metadata = await discoverAuthorizationServerMetadata(named, { fetchFn });
      if (!metadata) throw new Error(`no authorization server metadata at ${named}`);
      return { authorizationServerUrl: named, authorizationServerMetadata: metadata };
    }
    const resourceMetadataUrl = resourceMetadataUrlOf(target, fromChallenge);
    const info = await discoverOAuthServerInfo(target.url, { resourceMetadataUrl, fetchFn });
    assertSafeAuthorizationServer(info.authorizationServerUrl);
    return {
      ...info,
      ...(resourceMetadataUrl ? { resourceMetadataUrl: String(resourceMetadataUrl) } : {}),
    };
  }

  /**
   * What the server's 401 says (MCP authorization: the `WWW-Authenticate` scope and metadata
   * URL come first). A server that answers without one leaves discovery to the well-known URLs.
   */
  private async challenge(
    target: OAuthTarget,
    fetchFn: FetchLike,
  ): Promise<{ scope?: string; resourceMetadataUrl?: URL }> {
    try {
      const res = await fetchFn(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
      });
      await res.body?.cancel();
      if (res.status !== 401 && res.status !== 403) return {};
      const { scope, resourceMetadataUrl } = extractWWWAuthenticateParams(res);
      return {
        ...(scope ? { scope } : {}),
        ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}),
      };
    } catch {
      return {};
    }
  }
}

function resourceMetadataUrlOf(target: OAuthTarget, fromChallenge?: URL): URL | undefined {
  if (target.settings.resource_metadata_url) return new URL(target.settings.resource_metadata_url);
  return fromChallenge;
}

/**
 * The SDK's view of omni2 as an OAuth client during one authorization: what it learns (the
 * authorization URL, verifier, discovery, a registered client, the tokens) is kept here for
 * the service to persist. It never returns earlier tokens, so `auth()` always asks the
 * operator rather than refreshing.
 */
class FlowProvider implements OAuthClientProvider {
  authorizationUrl?: URL;
  client?: OAuthClientInformationMixed & { issuer?: string };
  discovery?: OAuthDiscoveryState;
  resource?: string;
  tokens_?: OAuthTokens;
  private verifier?: string;
  private readonly stateValue = randomBytes(32).toString('base64url');

  constructor(
    private readonly urls: OAuthPublicUrls,
    client: (OAuthClientInformationMixed & { issuer?: string }) | undefined,
    resumed?: Pending,
  ) {
    this.client = client;
    this.discovery = resumed?.discovery;
    this.verifier = resumed?.code_verifier;
  }

  get redirectUrl(): string {
    return this.urls.redirectUrl();
  }

  get clientMetadataUrl(): string | undefined {
    return this.urls.clientMetadataUrl();
  }

  get clientMetadata(): OAuthClientMetadata {
    return this.urls.clientMetadata();
  }

  state(): string {
    return this.stateValue;
  }

  /** A client without an issuer stamp is the operator's: theirs for this server's issuer. */
  clientInformation(ctx?: { issuer: string }) {
    if (this.client && this.client.issuer === undefined && ctx) {
      return { ...this.client, issuer: ctx.issuer };
    }
    return this.client;
  }

  saveClientInformation(client: OAuthClientInformationMixed & { issuer?: string }): void {
    this.client = client;
  }

  tokens(): undefined {
    return undefined;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.tokens_ = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no PKCE code verifier was made');
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  saveResourceUrl(resource: string): void {
    this.resource = resource;
  }
}

function hashOf(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}
