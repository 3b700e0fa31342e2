import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type {
  BulkHealthCheckResult,
  CapabilitiesView,
  HealthCheckResult,
  HealthLogPage,
  McpServerView,
  UptimeView,
} from '@omni2/contracts';
import { HealthLogService } from '../health-log/health-log.service';
import { RegistryService } from '../registry/registry.service';
import { OperatorActionsService } from './operator-actions.service';
import { CapabilitiesService } from '../capabilities/capabilities.service';
import { HealthCheckService } from './health-check.service';

@ApiTags('health')
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
  @ApiOperation({ summary: 'Check every active server now, concurrently' })
  checkAll(): Promise<BulkHealthCheckResult> {
    return this.checks.checkAll();
  }

  @Post(':id/health-check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check one server now on its live session; returns the fresh status' })
  check(@Param('id') id: string): Promise<HealthCheckResult> {
    return this.checks.check(id);
  }

  @Post(':id/reload')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reconnect, refetch capabilities and check now' })
  reload(@Param('id') id: string): Promise<HealthCheckResult> {
    return this.checks.check(id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable: counters cleared, circuit closed, checked at once' })
  enable(@Param('id') id: string): Promise<McpServerView> {
    return this.operator.enable(id);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable: checks stop and the session closes' })
  disable(@Param('id') id: string): Promise<McpServerView> {
    return this.operator.disable(id);
  }

  @Post(':id/circuit/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the circuit, clear counters, check at once' })
  reset(@Param('id') id: string): Promise<McpServerView> {
    return this.operator.resetCircuit(id);
  }

  @Get(':id/health-logs')
  @ApiOperation({ summary: 'Health log, newest first (event_type, from, to, before, limit)' })
  async healthLogs(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<HealthLogPage> {
    return this.healthLog.page(await this.registry.find(id), query);
  }

  @Get(':id/uptime')
  @ApiOperation({ summary: 'Uptime over 24h, 7d or 30d (window=...)' })
  async uptime(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<UptimeView> {
    return this.healthLog.uptime(await this.registry.find(id), query);
  }

  @Get(':id/capabilities')
  @ApiOperation({ summary: 'Tools, prompts and resources, with cached_at' })
  capabilitiesOf(@Param('id') id: string): Promise<CapabilitiesView> {
    return this.capabilities.view(id);
  }
}
