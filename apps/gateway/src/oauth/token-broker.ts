import {
  type AuthorizationServerMetadata,
  checkResourceAllowed,
  ClientCredentialsProvider,
  discoverAuthorizationServerMetadata,
  discoverOAuthServerInfo,
  type FetchLike,
  fetchToken,
  OAuthError,
  type OAuthProtectedResourceMetadata,
  type OAuthTokens,
  refreshAuthorization,
} from '@modelcontextprotocol/client';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { SecretCodec } from '../secrets/secret-codec';
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
}

/**
 * No token can be had without an operator: none was ever authorized, or the refresh token is
 * revoked or expired. The server needs an operator's authorization (SPEC §11: `auth_required`).
 */
export class AuthorizationRequiredError extends Error {
  constructor(readonly reason: string) {
    super(`authorization needed: ${reason}`);
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
  metadata?: AuthorizationServerMetadata;
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
  private readonly discovered = new Map<string, Promise<Discovered>>();

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

  /** Tokens an operator's authorization produced (the callback), replacing any before. */
  async store(serverId: string, tokens: OAuthTokens): Promise<void> {
    const stored = this.toStored(tokens, undefined);
    await this.repo.manager.transaction(async (tx) => {
      await this.lockRow(tx, serverId);
      await this.write(tx, serverId, stored);
    });
    this.current.set(serverId, stored);
  }

  /** Drops what this replica remembers (the server was edited or deleted). */
  forget(serverId: string): void {
    this.current.delete(serverId);
    this.discovered.delete(serverId);
  }

  private async renew(target: OAuthTarget, rejected: string | undefined): Promise<string> {
    return this.repo.manager.transaction(async (tx) => {
      const row = await this.lockRow(tx, target.id);
      const stored = this.codec.open(row.tokens, 'oauth_tokens') as StoredTokens | null;
      // Another replica renewed while this one waited for the lock: use its token.
      if (stored && stored.access_token !== rejected && this.clock.now() < renewAt(stored)) {
        this.current.set(target.id, stored);
        return stored.access_token;
      }
      const next = await this.obtain(target, stored);
      await this.write(tx, target.id, next);
      this.current.set(target.id, next);
      return next.access_token;
    });
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

  private async obtain(target: OAuthTarget, stored: StoredTokens | null): Promise<StoredTokens> {
    const fetchFn = boundedFetch(target.timeoutMs);
    const found = await this.discover(target, fetchFn);
    const { settings } = target;
    const scope = settings.scopes?.join(' ') || undefined;
    if (settings.grant === 'client_credentials') {
      const provider = new ClientCredentialsProvider({
        clientId: settings.client_id!,
        clientSecret: settings.client_secret!,
        scope,
        expectedIssuer: found.metadata?.issuer ?? found.authorizationServerUrl,
      });
      const tokens = await fetchToken(provider, found.authorizationServerUrl, {
        metadata: found.metadata,
        resource: found.resource,
        scope,
        fetchFn,
      });
      return this.toStored(tokens, undefined);
    }
    if (!stored?.refresh_token) {
      throw new AuthorizationRequiredError('no operator has authorized omni2 for this server');
    }
    try {
      const tokens = await refreshAuthorization(found.authorizationServerUrl, {
        metadata: found.metadata,
        clientInformation: {
          client_id: settings.client_id ?? '',
          ...(settings.client_secret ? { client_secret: settings.client_secret } : {}),
        },
        refreshToken: stored.refresh_token,
        resource: found.resource,
        fetchFn,
      });
      return this.toStored(tokens, stored.refresh_token);
    } catch (error) {
      if (error instanceof OAuthError && error.code === 'invalid_grant') {
        throw new AuthorizationRequiredError('the refresh token was revoked or has expired');
      }
      throw error;
    }
  }

  private discover(target: OAuthTarget, fetchFn: FetchLike): Promise<Discovered> {
    const known = this.discovered.get(target.id);
    if (known) return known;
    const found = this.discoverNow(target, fetchFn);
    this.discovered.set(target.id, found);
    // A failed discovery is asked again next time, not remembered.
    found.catch(() => this.discovered.delete(target.id));
    return found;
  }

  private async discoverNow(target: OAuthTarget, fetchFn: FetchLike): Promise<Discovered> {
    const { settings } = target;
    if (settings.authorization_server_url) {
      const metadata = await discoverAuthorizationServerMetadata(
        settings.authorization_server_url,
        { fetchFn },
      );
      return {
        authorizationServerUrl: settings.authorization_server_url,
        metadata,
        resource: target.url,
      };
    }
    const info = await discoverOAuthServerInfo(target.url, {
      resourceMetadataUrl: settings.resource_metadata_url
        ? new URL(settings.resource_metadata_url)
        : undefined,
      fetchFn,
    });
    return {
      authorizationServerUrl: info.authorizationServerUrl,
      metadata: info.authorizationServerMetadata,
      resource: resourceOf(target.url, info.resourceMetadata),
    };
  }

  private toStored(tokens: OAuthTokens, previousRefresh: string | undefined): StoredTokens {
    const now = this.clock.now();
    return {
      access_token: tokens.access_token,
      // Without rotation the authorization server sends no new one: the old one stays good.
      refresh_token: tokens.refresh_token ?? previousRefresh,
      scope: tokens.scope,
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

function boundedFetch(timeoutMs: number): FetchLike {
  return (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
