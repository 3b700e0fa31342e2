import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { ApiKeyEntity } from './api-key.entity';
import { hashApiKey, looksLikeApiKey } from './api-key-material';
import type { Principal } from '../common/principal';
import { TokenService } from './token-service';
import { UserEntity } from './user.entity';

/**
 * How long a user or key record is trusted between database reads. A change made on this replica
 * applies at once (the services call `forget`); one made on another replica within this bound.
 */
export const CREDENTIAL_CACHE_MS = 5_000;
const CACHE_LIMIT = 10_000;
const LAST_USED_RESOLUTION_MS = 60_000;

interface Cached<T> {
  value: T | null;
  at: number;
}

/** Turns a bearer credential (access token or API key) into a principal, or refuses it. */
@Injectable()
export class Authenticator {
  private readonly log = new Logger('auth');
  private readonly users = new Map<string, Cached<UserEntity>>();
  private readonly keys = new Map<string, Cached<ApiKeyEntity>>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(UserEntity) private readonly userRepo: Repository<UserEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keyRepo: Repository<ApiKeyEntity>,
    private readonly tokens: TokenService,
    private readonly clock: Clock,
  ) {}

  async authenticate(credential: string | null): Promise<Principal> {
    if (!credential) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'authorization: send "Authorization: Bearer <access token or API key>"',
      );
    }
    return looksLikeApiKey(credential) ? this.fromApiKey(credential) : this.fromToken(credential);
  }

  /** Drop cached records after a change (role, disable, password, revoke). */
  forgetUser(id: string): void {
    this.users.delete(id);
  }

  forgetKeys(): void {
    this.keys.clear();
  }

  private async fromToken(token: string): Promise<Principal> {
    const check = this.tokens.verify(token);
    if (!check.ok) {
      if (check.reason === 'expired') {
        throw new DomainError('SESSION_EXPIRED', 'authorization: the access token has expired');
      }
      throw new DomainError(
        'UNAUTHENTICATED',
        `authorization: invalid access token (${check.reason})`,
      );
    }
    const { claims } = check;
    const user = await this.cached(this.users, claims.sub, () =>
      this.userRepo.findOneBy({ id: claims.sub }),
    );
    if (!user || user.disabled) {
      throw new DomainError('UNAUTHENTICATED', 'authorization: the account is disabled or gone');
    }
    if (claims.iat_ms < user.tokens_valid_after.getTime()) {
      throw new DomainError(
        'SESSION_EXPIRED',
        'authorization: the token was revoked (password changed); log in again',
      );
    }
    return {
      id: user.id,
      name: user.username,
      role: user.role,
      kind: 'user',
      expiresAt: claims.exp * 1_000,
    };
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const hash = hashApiKey(key);
    const row = await this.cached(this.keys, hash, () =>
      this.keyRepo.findOneBy({ key_hash: hash }),
    );
    const now = this.clock.now();
    if (!row || row.revoked_at) {
      throw new DomainError('UNAUTHENTICATED', 'authorization: unknown or revoked API key');
    }
    if (row.expires_at && row.expires_at.getTime() <= now) {
      throw new DomainError('SESSION_EXPIRED', 'authorization: the API key has expired');
    }
    this.noteUse(row.id, now);
    return {
      id: row.id,
      name: row.name,
      role: row.role,
      kind: 'api_key',
      expiresAt: row.expires_at?.getTime() ?? null,
    };
  }

  private async cached<T>(
    cache: Map<string, Cached<T>>,
    key: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const now = this.clock.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < CREDENTIAL_CACHE_MS) return hit.value;
    const value = await load();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, { value, at: now });
    return value;
  }

  /** last_used_at to the minute: one write per key per minute, never on the request's path. */
  private noteUse(id: string, now: number): void {
    const last = this.lastUsedWritten.get(id) ?? 0;
    if (now - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(id, now);
    this.keyRepo
      .update({ id }, { last_used_at: new Date(now) })
      .catch((error: unknown) => this.log.warn(`could not record API key use: ${String(error)}`));
  }
}
