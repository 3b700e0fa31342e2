import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';

interface Bucket {
  tokens: number;
  at: number;
}

const BUCKET_LIMIT = 100_000;

/**
 * A token bucket per caller: `perMinute` calls, refilled continuously, so a burst of a minute's
 * worth is allowed and then one call per 60/perMinute seconds. In memory, so per replica: the
 * limit protects upstream servers from one runaway client, not the fleet from many replicas.
 */
@Injectable()
export class CallRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  take(caller: string, perMinute: number, what: string): void {
    const now = this.clock.now();
    const ratePerMs = perMinute / 60_000;
    const bucket = this.buckets.get(caller) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      const retry = Math.ceil((1 - bucket.tokens) / ratePerMs / 1_000);
      this.buckets.set(caller, bucket);
      throw new DomainError(
        'RATE_LIMITED',
        `${what}: at most ${perMinute} per minute; try again in ${retry} s`,
        undefined,
        { retry_after_seconds: retry },
      );
    }
    bucket.tokens -= 1;
    if (!this.buckets.has(caller) && this.buckets.size >= BUCKET_LIMIT) this.buckets.clear();
    this.buckets.set(caller, bucket);
  }
}
