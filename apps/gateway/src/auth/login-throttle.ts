import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { RuntimeConfigService } from '../config/runtime-config.service';

const WINDOW_SECONDS = 60;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Login abuse limits, kept in PostgreSQL so every replica enforces the same counts: attempts per
 * client address per minute, and a lockout per user name after consecutive failures that doubles
 * with each further failure. Unknown user names are counted like real ones, so lockouts do not
 * reveal which accounts exist.
 */
@Injectable()
export class LoginThrottle {
  private readonly log = new Logger('auth');
  private prunedAt = -Infinity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: RuntimeConfigService,
    private readonly clock: Clock,
  ) {}

  /** Counts the attempt and refuses it (429) when the address or the user name is over its limit. */
  async admit(address: string, username: string): Promise<void> {
    const limits = await this.config.get('rate_limits');
    this.pruneNow();
    const [byAddress] = await this.db.query<{ failures: number; retry: number }[]>(
      `INSERT INTO omni2.login_throttle AS t (key, failures, window_started_at)
       VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2)
                         THEN 1 ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2)
                                  THEN now() ELSE t.window_started_at END,
         updated_at = now()
       RETURNING failures,
         ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - now()))::int AS retry`,
      [addressKey(address), WINDOW_SECONDS],
    );
    if (byAddress && byAddress.failures > limits.login_attempts_per_minute) {
      throw limited(
        `too many login attempts from this address; try again in ${byAddress.retry} s`,
        byAddress.retry,
      );
    }
    const [byUser] = await this.db.query<{ retry: number }[]>(
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS retry
       FROM omni2.login_throttle WHERE key = $1 AND locked_until > now()`,
      [userKey(username)],
    );
    if (byUser) {
      throw limited(
        `too many failed logins for this user; try again in ${byUser.retry} s`,
        byUser.retry,
      );
    }
  }

  async failed(username: string): Promise<void> {
    const limits = await this.config.get('rate_limits');
    await this.db.query(
      `INSERT INTO omni2.login_throttle AS t (key, failures) VALUES ($1, 1)
       ON CONFLICT (key) DO UPDATE SET failures = t.failures + 1, updated_at = now()`,
      [userKey(username)],
    );
    // Locked once the threshold is reached; each further failure doubles the lock, up to the cap.
    await this.db.query(
      `UPDATE omni2.login_throttle
       SET locked_until = now() + make_interval(secs => least($3::float8,
             $2::float8 * power(2, failures - $4)))
       WHERE key = $1 AND failures >= $4`,
      [
        userKey(username),
        limits.login_lockout_seconds,
        limits.login_lockout_max_seconds,
        limits.login_lockout_threshold,
      ],
    );
  }

  async succeeded(username: string): Promise<void> {
    await this.db.query(`DELETE FROM omni2.login_throttle WHERE key = $1`, [userKey(username)]);
  }

  private pruneNow(): void {
    const now = this.clock.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.db
      .query(
        `DELETE FROM omni2.login_throttle
         WHERE updated_at < now() - interval '1 day' AND coalesce(locked_until, now()) <= now()`,
      )
      .catch((error: unknown) => this.log.warn(`login throttle prune failed: ${String(error)}`));
  }
}

function addressKey(address: string): string {
  return `ip:${address}`;
}

function userKey(username: string): string {
  return `user:${username.toLowerCase()}`;
}

function limited(message: string, retryAfterSeconds: number): DomainError {
  return new DomainError('RATE_LIMITED', message, undefined, {
    retry_after_seconds: Math.max(1, retryAfterSeconds),
  });
}
