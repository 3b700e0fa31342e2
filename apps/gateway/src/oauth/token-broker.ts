import {
  type AddClientAuthentication,
  type AuthorizationServerMetadata,
  checkResourceAllowed,
  ClientCredentialsProvider,
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  type FetchLike,
  fetchToken,
  OAuthError,
  type OAuthProtectedResourceMetadata,
  type OAuthTokens,
  PrivateKeyJwtProvider,
  refreshAuthorization,
} from '@modelcontextprotocol/client';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import {
  AuthorizationRequiredError,
  ScopeRequiredError,
  TokensRefusedError,
} from '../connections/upstream-errors';
import { SecretCodec } from '../secrets/secret-codec';
import { boundedFetch } from './bounded-fetch';
import { privateKeyJwtAuth } from './client-assertion';
import { OAuthTokenEntity } from './oauth-token.entity';
import type { OAuthSettings } from './oauth-settings';

/** What the broker needs to know about a server to get it a token. */
export interface OAuthTarget {
  id: string;
  /** The MCP endpoint (the protected resource). */
  url: string;
  settings: OAuthSettings;
  /** Bound on each request to the authorization server. */
  timeoutMs: number;
}

/** Tokens as stored (sealed) per server. Times are epoch milliseconds. */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  obtained_at: number;
  /** Null when the authorization server gave no lifetime: good until the server refuses it. */
  expires_at: number | null;
  /** When tokens were renewed because the server refused one (the last minute's). */
  refused_at?: number[];
  /**
   * The scope to ask for, once a server's `insufficient_scope` widened it (SEP-2350: what was
   * granted plus what the server named). Absent: the operator's configured scopes.
   */
  requested_scope?: string;
}

/**
 * Who omni2 is at a server's authorization server after an operator's authorization: the
 * client it used (so refreshes authenticate the same way) and where that server was found.
 */
export interface StoredClient {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: string;
  /** The authorization server the authorization went to (RFC 8414 issuer's base URL). */
  authorization_server_url: string;
  /** The RFC 8707 resource the tokens were issued for. */
  resource: string;
  /** The issuer that registered the client (SEP-2352): another one will not be sent it. */
  issuer?: string;
}

/** How long discovered endpoints are trusted before they are looked up again. */
const DISCOVERY_TTL_MS = 10 * 60_000;

/**
 * Renewals because the server refused a token, allowed per server per window: beyond that the
 * server refuses this client (audience or scope), and asking at every request would only hammer
 * the authorization server.
 */
const MAX_REFUSALS = 5;
const REFUSAL_WINDOW_MS = 60_000;

/** Client secrets and tokens travel only over TLS, or on this machine. */
export function assertSafeAuthorizationServer(url: string): void {
  const parsed = new URL(url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopback) {
    throw new Error(`the authorization server ${parsed.origin} is not https`);
  }
}

/** Renew this long before expiry: a fifth of the lifetime, at most 30 s. */
function renewAt(tokens: StoredTokens): number {
  if (tokens.expires_at === null) return Number.POSITIVE_INFINITY;
  const lifetime = tokens.expires_at - tokens.obtained_at;
  return tokens.expires_at - Math.min(30_000, lifetime / 5);
}

interface Discovered {
  authorizationServerUrl: string;
  metadata: AuthorizationServerMetadata;
  resource: string;
}

/**
 * Access tokens for OAuth-protected upstreams. Each replica keeps the current token in memory;
 * renewing takes the server's token row lock, so across all replicas one renewal happens per
 * expiry and a refresh token (rotated on use) is never spent twice. Discovery, the token
 * requests and their checks are the MCP SDK's.
 */
@Injectable()
export class TokenBroker {
  private readonly current = new Map<string, StoredTokens>();
  private readonly renewing = new Map<string, Promise<string>>();
  private readonly discovered = new Map<string, { found: Promise<Discovered>; until: number }>();

  constructor(
    @InjectRepository(OAuthTokenEntity) private readonly repo: Repository<OAuthTokenEntity>,
    private readonly codec: SecretCodec,
    private readonly clock: Clock,
  ) {}

  /**
   * A token to send now. `rejected` is a token the server just answered 401 to: it is renewed
   * even if it has not expired (unless another replica already did).
   */
  async accessToken(target: OAuthTarget, rejected?: string): Promise<string> {
    const known = this.current.get(target.id);
    if (known && known.access_token !== rejected && this.clock.now() < renewAt(known)) {
      return known.access_token;
    }
    const running = this.renewing.get(target.id);
    if (running) return running;
    const renewal = this.renew(target, rejected).finally(() => this.renewing.delete(target.id));
    this.renewing.set(target.id, renewal);
    return renewal;
  }

  /**
   * The server answered `403 insufficient_scope` naming `challenged`. The scope asked for from
   * now on is what was granted plus what it named. With client credentials omni2 gets such a
   * token itself; with an operator's authorization it must be authorized again. Asking again
   * for what was already granted is the retry limit: the error says nothing more can be done.
   */
  async stepUp(target: OAuthTarget, challenged: string | undefined): Promise<string> {
    const row = await this.repo.findOne({ where: { server_id: target.id } });
    const stored = this.openSealed<StoredTokens>(row?.tokens ?? null);
    // Another replica already holds newer tokens (a wider authorization): use those first.
    const inUse = this.current.get(target.id);
    if (stored && inUse && stored.obtained_at > inUse.obtained_at) {
      this.current.set(target.id, stored);
      return stored.access_token;
    }
    const granted = scopes(
      stored?.scope ?? stored?.requested_scope ?? target.settings.scopes?.join(' '),
    );
    const wanted = new Set([...granted, ...scopes(challenged)]);
    if (wanted.size === granted.size) {
      throw new ScopeRequiredError(
        challenged,
        'the token already carries every scope the server names, so asking again would not help',
      );
    }
    const requested = [...wanted].join(' ');
    await this.amend(target.id, (tokens) => ({ ...tokens, requested_scope: requested }));
    if (target.settings.grant === 'authorization_code') {
      throw new ScopeRequiredError(
        challenged,
        `an operator must authorize omni2 again for scope "${requested}"`,
      );
    }
    return this.accessToken(
      target,
      stored?.access_token ?? this.current.get(target.id)?.access_token,
    );
  }

  /** The scope a step-up asked for (SEP-2350), for the operator's next authorization. */
  async requestedScope(serverId: string): Promise<string | undefined> {
    const row = await this.repo.findOne({ where: { server_id: serverId } });
    return this.openSealed<StoredTokens>(row?.tokens ?? null)?.requested_scope;
  }

  /** Tokens an operator's authorization produced (the callback), replacing any before. */
  async store(serverId: string, tokens: OAuthTokens, client: StoredClient): Promise<void> {
    const stored = this.toStored(tokens, undefined);
    await this.repo.manager.transaction(async (tx) => {
      await this.lockRow(tx, serverId);
      await this.write(tx, serverId, stored);
      await tx.update(
        OAuthTokenEntity,
        { server_id: serverId },
        { client: this.codec.seal({ ...client }, 'oauth_tokens') },
      );
    });
    this.current.set(serverId, stored);
    this.discovered.delete(serverId);
  }

  /** The client of the server's last operator authorization, if any (and readable). */
  async storedClient(serverId: string): Promise<StoredClient | null> {
    const row = await this.repo.findOne({ where: { server_id: serverId } });
    return this.openSealed<StoredClient>(row?.client ?? null);
  }

  /** Drops what this replica remembers (the server was edited or deleted). */
  forget(serverId: string): void {
    this.current.delete(serverId);
    this.discovered.delete(serverId);
  }

  /**
   * Drops the server's tokens, client and authorizations under way (its URL or credentials
   * changed, or an admin asked). Other replicas drop their copy on the `mcp_config_changed`
   * event the caller publishes (OAuthTokenListener).
   */
  async discard(serverId: string): Promise<void> {
    this.forget(serverId);
    await this.repo.manager.transaction(async (tx) => {
      await tx.delete(OAuthTokenEntity, { server_id: serverId });
      await tx.query(`DELETE FROM omni2.mcp_oauth_authorizations WHERE server_id = $1`, [serverId]);
    });
  }

  /** The tokens this replica holds for the server, to keep them out of error texts. */
  secretsOf(serverId: string): string[] {
    const known = this.current.get(serverId);
    if (!known) return [];
    return known.refresh_token ? [known.access_token, known.refresh_token] : [known.access_token];
  }

  private async renew(target: OAuthTarget, rejected: string | undefined): Promise<string> {
    // Discovery (several requests) happens before the row lock is taken, so a renewal holds the
    // lock and its pooled connection only for the token request itself.
    const fetchFn = boundedFetch(target.timeoutMs);
    const client =
      target.settings.grant === 'authorization_code' ? await this.storedClient(target.id) : null;
    if (target.settings.grant === 'authorization_code' && !client) {
      throw new AuthorizationRequiredError('no operator has authorized omni2 for this server');
    }
    if (rejected !== undefined) {
      // Refused: what the server publishes is read again (it may have moved, SEP-2352).
      this.discovered.delete(target.id);
      if (client) await this.assertSameAuthorizationServer(target, client, fetchFn);
    }
    const found = await this.discover(target, fetchFn, client);
    const renewed = await this.repo.manager.transaction(async (tx) => {
      const row = await this.lockRow(tx, target.id);
      const stored = this.openSealed<StoredTokens>(row.tokens);
      // Another replica renewed while this one waited for the lock: use its token.
      if (stored && stored.access_token !== rejected && this.clock.now() < renewAt(stored)) {
        return stored;
      }
      const refusals = (stored?.refused_at ?? []).filter(
        (at) => this.clock.now() - at < REFUSAL_WINDOW_MS,
      );
      if (rejected !== undefined && refusals.length >= MAX_REFUSALS) {
        const why = `the server refused ${refusals.length} fresh tokens within a minute (audience or scope?)`;
        // An operator's new authorization may fix it; a machine client's settings must change.
        throw target.settings.grant === 'authorization_code'
          ? new AuthorizationRequiredError(why)
          : new TokensRefusedError(why);
      }
      const next = await this.obtain(target, stored, found, fetchFn, client);
      if (next === 'revoked') {
        // Kept off the authorization server from now on: only an operator can help.
        await tx.update(OAuthTokenEntity, { server_id: target.id }, { tokens: null });
        return null;
      }
      next.refused_at = rejected === undefined ? refusals : [...refusals, this.clock.now()];
      if (stored?.requested_scope) next.requested_scope = stored.requested_scope;
      await this.write(tx, target.id, next);
      return next;
    });
    if (renewed === null) {
      this.current.delete(target.id);
      throw new AuthorizationRequiredError('the refresh token was revoked or has expired');
    }
    // Remembered only once committed: a token the database never got is never used.
    this.current.set(target.id, renewed);
    return renewed.access_token;
  }

  /**
   * An operator authorized omni2 at one authorization server; if the server's metadata now
   * names another, its tokens and client are no good there: only a new authorization helps.
   * Metadata that cannot be read right now changes nothing.
   */
  private async assertSameAuthorizationServer(
    target: OAuthTarget,
    client: StoredClient,
    fetchFn: FetchLike,
  ): Promise<void> {
    if (target.settings.authorization_server_url) return;
    let named: string | undefined;
    try {
      const metadata = await discoverOAuthProtectedResourceMetadata(
        target.url,
        target.settings.resource_metadata_url
          ? { resourceMetadataUrl: target.settings.resource_metadata_url }
          : {},
        fetchFn,
      );
      named = metadata.authorization_servers?.[0];
    } catch {
      return;
    }
    if (named && !sameUrl(named, client.authorization_server_url)) {
      throw new AuthorizationRequiredError(
        `the server now names another authorization server (${named}); authorize omni2 again`,
      );
    }
  }

  /** Changes the stored tokens under the row lock (a step-up's scope); none stored: nothing. */
  private async amend(serverId: string, change: (tokens: StoredTokens) => StoredTokens) {
    await this.repo.manager.transaction(async (tx) => {
      const row = await this.lockRow(tx, serverId);
      const stored = this.openSealed<StoredTokens>(row.tokens);
      if (!stored) return;
      const next = change(stored);
      await tx.update(
        OAuthTokenEntity,
        { server_id: serverId },
        { tokens: this.codec.seal(next as unknown as Record<string, unknown>, 'oauth_tokens') },
      );
      if (this.current.has(serverId)) this.current.set(serverId, next);
    });
  }

  /** What no configured key opens (a rotated key) counts as nothing stored. */
  private openSealed<T>(sealed: string | null): T | null {
    try {
      return this.codec.open(sealed, 'oauth_tokens') as T | null;
    } catch {
      return null;
    }
  }

  private async lockRow(tx: EntityManager, serverId: string): Promise<OAuthTokenEntity> {
    await tx.query(
      `INSERT INTO omni2.mcp_oauth_tokens (server_id) VALUES ($1) ON CONFLICT DO NOTHING`,
      [serverId],
    );
    return tx.findOneOrFail(OAuthTokenEntity, {
      where: { server_id: serverId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async write(tx: EntityManager, serverId: string, tokens: StoredTokens): Promise<void> {
    await tx.query(
      `UPDATE omni2.mcp_oauth_tokens
          SET tokens = $2, expires_at = $3, renewals = renewals + 1, updated_at = now()
        WHERE server_id = $1`,
      [
        serverId,
        this.codec.seal(tokens as unknown as Record<string, unknown>, 'oauth_tokens'),
        tokens.expires_at === null ? null : new Date(tokens.expires_at),
      ],
    );
  }

  private async obtain(
    target: OAuthTarget,
    stored: StoredTokens | null,
    found: Discovered,
    fetchFn: FetchLike,
    client: StoredClient | null,
  ): Promise<StoredTokens | 'revoked'> {
    const { settings } = target;
    const scope = stored?.requested_scope || settings.scopes?.join(' ') || undefined;
    if (settings.grant === 'client_credentials') {
      const provider = settings.private_key
        ? withAssertion(
            new PrivateKeyJwtProvider({
              clientId: settings.client_id!,
              privateKey: settings.private_key,
              algorithm: settings.signing_algorithm!,
              scope,
              expectedIssuer: found.metadata.issuer,
            }),
            privateKeyJwtAuth(
              settings.client_id!,
              settings.private_key,
              settings.signing_algorithm!,
            ),
          )
        : new ClientCredentialsProvider({
            clientId: settings.client_id!,
            clientSecret: settings.client_secret!,
            scope,
            expectedIssuer: found.metadata.issuer,
          });
      const tokens = await fetchToken(provider, found.authorizationServerUrl, {
        metadata: found.metadata,
        resource: found.resource,
        scope,
        fetchFn,
      });
      return this.toStored(tokens, undefined, scope);
    }
    if (!stored?.refresh_token || !client) {
      throw new AuthorizationRequiredError(
        stored
          ? 'the authorization server gave no refresh token'
          : 'no operator has authorized omni2 for this server',
      );
    }
    try {
      const tokens = await refreshAuthorization(found.authorizationServerUrl, {
        metadata: found.metadata,
        clientInformation: {
          client_id: client.client_id,
          ...(client.client_secret ? { client_secret: client.client_secret } : {}),
          ...(client.token_endpoint_auth_method
            ? { token_endpoint_auth_method: client.token_endpoint_auth_method }
            : {}),
        },
        refreshToken: stored.refresh_token,
        resource: found.resource,
        fetchFn,
      });
      return this.toStored(tokens, stored.refresh_token, stored.scope);
    } catch (error) {
      if (error instanceof OAuthError && error.code === 'invalid_grant') return 'revoked';
      throw error;
    }
  }

  private discover(
    target: OAuthTarget,
    fetchFn: FetchLike,
    client: StoredClient | null,
  ): Promise<Discovered> {
    const known = this.discovered.get(target.id);
    if (known && known.until > this.clock.now()) return known.found;
    const found = this.discoverNow(target, fetchFn, client);
    this.discovered.set(target.id, { found, until: this.clock.now() + DISCOVERY_TTL_MS });
    // A failed discovery is asked again next time, not remembered.
    found.catch(() => this.discovered.delete(target.id));
    return found;
  }

  /**
   * The authorization server the operator named, the one the operator's authorization went to,
   * or the one the server's RFC 9728 metadata names. Nothing is guessed: the SDK's fallback to
   * the MCP server's own origin would send the client secret to the MCP server when its
   * metadata is briefly unavailable.
   */
  private async discoverNow(
    target: OAuthTarget,
    fetchFn: FetchLike,
    client: StoredClient | null,
  ): Promise<Discovered> {
    const { settings } = target;
    let authorizationServerUrl =
      settings.authorization_server_url ?? client?.authorization_server_url;
    let resource = client?.resource ?? target.url;
    if (!authorizationServerUrl) {
      const metadata = await discoverOAuthProtectedResourceMetadata(
        target.url,
        settings.resource_metadata_url
          ? { resourceMetadataUrl: settings.resource_metadata_url }
          : {},
        fetchFn,
      );
      authorizationServerUrl = metadata.authorization_servers?.[0];
      if (!authorizationServerUrl) {
        throw new Error("the server's protected-resource metadata names no authorization server");
      }
      resource = resourceOf(target.url, metadata);
    }
    assertSafeAuthorizationServer(authorizationServerUrl);
    const metadata = await discoverAuthorizationServerMetadata(authorizationServerUrl, { fetchFn });
    if (!metadata) {
      throw new Error(`no authorization server metadata at ${authorizationServerUrl}`);
    }
    return { authorizationServerUrl, metadata, resource };
  }

  private toStored(
    tokens: OAuthTokens,
    previousRefresh: string | undefined,
    requested?: string,
  ): StoredTokens {
    const now = this.clock.now();
    return {
      access_token: tokens.access_token,
      // Without rotation the authorization server sends no new one: the old one stays good.
      refresh_token: tokens.refresh_token ?? previousRefresh,
      scope: tokens.scope ?? requested,
      obtained_at: now,
      expires_at: tokens.expires_in === undefined ? null : now + tokens.expires_in * 1_000,
    };
  }
}

/**
 * RFC 8707: the resource the metadata names, or the MCP endpoint itself. Metadata naming some
 * other resource is refused: tokens for it must not be requested on this server's behalf.
 */
function resourceOf(url: string, metadata: OAuthProtectedResourceMetadata | undefined): string {
  if (!metadata?.resource) return url;
  if (!checkResourceAllowed({ requestedResource: url, configuredResource: metadata.resource })) {
    throw new Error(`the server's metadata names another resource (${metadata.resource})`);
  }
  return metadata.resource;
}

function scopes(value: string | undefined): Set<string> {
  return new Set((value ?? '').split(' ').filter(Boolean));
}

/** Two URLs naming one authorization server (a trailing slash aside). */
function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function withAssertion(
  provider: PrivateKeyJwtProvider,
  sign: AddClientAuthentication,
): PrivateKeyJwtProvider {
  provider.addClientAuthentication = sign;
  return provider;
}
