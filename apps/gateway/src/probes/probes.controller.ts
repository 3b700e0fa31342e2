import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/access.decorator';
import { CoordinatorService } from '../coordinator/coordinator.service';
import type { HealthCheckResult } from '@nestjs/terminus';

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
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: database reachable, coordinator loop ticking' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2_000 }),
      () => this.coordinatorCheck(),
    ]);
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
