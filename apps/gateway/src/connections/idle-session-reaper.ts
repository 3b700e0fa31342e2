import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { HealthCheckSettings } from '@omni2/contracts';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { ConnectionManager } from './connection-manager';

const SWEEP_EVERY_MS = 60_000;
const MIN_IDLE_MS = 5 * 60_000;

/**
 * How long a session may sit unused before it is closed. Scheduled checks use a session every
 * interval, so only sessions no check of this replica uses anymore reach it: servers checked
 * elsewhere since the fleet was rebalanced, and servers opened here only for a tool call.
 */
export function idleLimitMs(settings: HealthCheckSettings): number {
  const slowest = Math.max(settings.interval_seconds, settings.unhealthy_interval_seconds);
  return Math.max(MIN_IDLE_MS, 3 * slowest * 1_000);
}

/** Closes idle sessions once a minute, so a replica holds sessions only for what it uses. */
@Injectable()
export class IdleSessionReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('connections');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly config: RuntimeConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async sweep(): Promise<number> {
    try {
      const limit = idleLimitMs(await this.config.get('health_check'));
      const closed = await this.connections.closeIdle(limit);
      if (closed > 0) this.log.log(`closed ${closed} sessions unused for ${limit / 1_000} s`);
      return closed;
    } catch (error) {
      this.log.error(`idle session sweep failed: ${String(error)}`);
      return 0;
    }
  }
}
