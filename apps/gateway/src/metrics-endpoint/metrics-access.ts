import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerOf } from '../common/principal';

/**
 * Who may scrape `/metrics`: anyone when no token is configured (Prometheus inside the cluster),
 * otherwise only `Authorization: Bearer <OMNI2_METRICS_TOKEN>`. Digests are compared, so the
 * comparison takes the same time whatever the length or content of the attempt.
 */
export class MetricsAccess {
  private readonly digest: Buffer | null;

  constructor(token: string | undefined) {
    this.digest = token === undefined ? null : sha256(token);
  }

  get protected(): boolean {
    return this.digest !== null;
  }

  allows(authorization: string | undefined): boolean {
    if (this.digest === null) return true;
    const presented = bearerOf(authorization);
    return presented !== null && timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
