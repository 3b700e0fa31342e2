import { Injectable } from '@nestjs/common';

/**
 * Set once, on the first shutdown signal: readiness fails from then on, so Kubernetes takes the
 * replica out of its Service while it still serves what is already on the way.
 */
@Injectable()
export class ShutdownState {
  private since: number | null = null;

  get draining(): boolean {
    return this.since !== null;
  }

  begin(now = Date.now()): void {
    this.since ??= now;
  }
}
