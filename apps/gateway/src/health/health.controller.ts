import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type BulkHealthCheckResult,
  type CapabilitiesView,
  type ErrorKind,
  type HealthCheckResult,
  type HealthLogPage,
  type McpServerView,
  type UptimeView,
  viewerErrorText,
} from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import { DomainError } from '../common/domain-error';
import { HealthLogService } from '../health-log/health-log.service';
import { RegistryService } from '../registry/registry.service';
import { OperatorActionsService } from './operator-actions.service';
import { CapabilitiesService } from '../capabilities/capabilities.service';
import { HealthCheckService } from './health-check.service';

@ApiTags('health')
@ApiBearerAuth()
@Controller('mcp/servers')
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly capabilities: CapabilitiesService,
    private readonly operator: OperatorActionsService,
    private readonly healthLog: HealthLogService,
    private readonly registry: RegistryService,
  ) {}

  @Post('health-check')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.check_all', 'server')
  @ApiOperation({ summary: 'Check every active server now, concurrently' })
  checkAll(): Promise<BulkHealthCheckResult> {
    return this.checks.checkAll();
  }

  @Post(':id/health-check')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.check', 'server')
  @ApiOperation({ summary: 'Check one server now on its live session; returns the fresh status' })
  check(@Param('id') id: string): Promise<HealthCheckResult> {
    return this.checks.check(id);
  }

  @Post(':id/reload')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.reload', 'server')
  @ApiOperation({ summary: 'Reconnect, refetch capabilities and check now' })
  reload(@Param('id') id: string): Promise<HealthCheckResult> {
    return this.checks.check(id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.enable', 'server')
  @ApiOperation({ summary: 'Enable: counters cleared, circuit closed, checked at once' })
  enable(@Param('id') id: string, @Req() req: Request): Promise<McpServerView> {
    return this.operator.enable(id, callerOf(req).name);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.disable', 'server')
  @ApiOperation({ summary: 'Disable: checks stop and the session closes' })
  disable(@Param('id') id: string, @Req() req: Request): Promise<McpServerView> {
    return this.operator.disable(id, callerOf(req).name);
  }

  @Post(':id/circuit/reset')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.circuit_reset', 'server')
  @ApiOperation({ summary: 'Close the circuit, clear counters, check at once' })
  reset(@Param('id') id: string, @Req() req: Request): Promise<McpServerView> {
    return this.operator.resetCircuit(id, callerOf(req).name);
  }

  @Get(':id/health-logs')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Health log, newest first (event_type, from, to, before, limit)' })
  async healthLogs(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
  ): Promise<HealthLogPage> {
    const audience = callerOf(req).role === 'viewer' ? 'viewer' : 'full';
    return this.healthLog.page(await this.registry.find(id), query, audience);
  }

  @Get(':id/uptime')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Uptime over 24h, 7d or 30d (window=...)' })
  async uptime(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<UptimeView> {
    return this.healthLog.uptime(await this.registry.find(id), query);
  }

  @Get(':id/capabilities')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Tools, prompts and resources, with cached_at' })
  async capabilitiesOf(@Param('id') id: string, @Req() req: Request): Promise<CapabilitiesView> {
    try {
      return await this.capabilities.view(id);
    } catch (error) {
      // Fetching them may fail upstream; viewers get the kind of failure, not its text.
      throw callerOf(req).role === 'viewer' ? viewerFailure(error) : error;
    }
  }
}

function viewerFailure(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.details?.error_kind === undefined) return error;
  const kind = error.details.error_kind as ErrorKind;
  return new DomainError(
    error.code,
    `upstream failed: ${viewerErrorText(kind, error.message)}`,
    undefined,
    { error_kind: kind },
  );
}
