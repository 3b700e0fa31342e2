import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AuditService } from '../audit/audit.service';
import { Public } from '../common/access.decorator';
import { CoordinatorService } from '../coordinator/coordinator.service';
import { RedisConnections } from '../redis/redis-connections';
import { ShutdownState } from '../shutdown/shutdown-state';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ApiRoute } from '../openapi/api-route';
import { livenessSchema, readinessSchema } from '../openapi/view-schemas';

/**
 * Kubernetes probes. Readiness covers omni2's own dependencies only: an upstream MCP server
 * being down must never make omni2 unready.
 */
@ApiTags('probes')
@Public()
@Controller('health')
export class ProbesController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly coordinator: CoordinatorService,
    private readonly shutdown: ShutdownState,
    private readonly audit: AuditService,
    // A union type erases to Object in decorator metadata: the token is named explicitly.
    @Optional() @Inject(RedisConnections) private readonly redis: RedisConnections | null,
  ) {}

  @Get('live')
  @ApiRoute({
    operationId: 'liveness',
    summary: 'Liveness: the process answers',
    ok: { schema: livenessSchema, description: 'Alive' },
    standalone: true,
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiRoute({
    operationId: 'readiness',
    summary: 'Readiness: database and Redis reachable, coordinator loop ticking, audit log written',
    ok: { schema: readinessSchema, description: 'Ready' },
    notReady: { schema: readinessSchema, description: 'Not ready: `error` names what is down' },
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.shutdownCheck(),
      () => this.db.pingCheck('database', { timeout: 2_000 }),
      () => this.coordinatorCheck(),
      () => this.auditCheck(),
      ...(this.redis ? [() => this.redisCheck(this.redis!)] : []),
    ]);
  }

  /** Only when REDIS_URL is set: embedded mode has no Redis to wait for. */
  private async redisCheck(redis: RedisConnections) {
    const indicator = this.indicators.check('redis');
    return (await redis.ping(2_000))
      ? indicator.up()
      : indicator.down({ reason: 'no PONG within 2 s' });
  }

  /** First to fail on SIGTERM, so traffic moves away while the replica still serves. */
  private shutdownCheck() {
    const indicator = this.indicators.check('lifecycle');
    return this.shutdown.draining
      ? indicator.down({ reason: 'shutting down' })
      : indicator.up({ state: 'serving' });
  }

  /** An audit log the database does not take is a replica that must not serve audited work. */
  private auditCheck() {
    const indicator = this.indicators.check('audit_log');
    const details = { pending_entries: this.audit.pendingEntries() };
    return this.audit.stalled()
      ? indicator.down({
          ...details,
          oldest_pending_seconds: Math.round(this.audit.oldestPendingMs() / 1_000),
          reason: 'audit entries are not being written',
        })
      : indicator.up(details);
  }

  private coordinatorCheck() {
    const status = this.coordinator.status();
    const indicator = this.indicators.check('coordinator');
    const details = {
      enabled: status.enabled,
      last_tick_at: status.last_tick_at,
      restarts: status.restarts,
    };
    return status.stalled
      ? indicator.down({ ...details, reason: 'tick loop stalled' })
      : indicator.up(details);
  }
}
