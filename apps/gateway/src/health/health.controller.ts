import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BulkHealthCheckResult, CapabilitiesView, HealthCheckResult } from '@omni2/contracts';
import { CapabilitiesService } from '../capabilities/capabilities.service';
import { HealthCheckService } from './health-check.service';

@ApiTags('health')
@Controller('mcp/servers')
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly capabilities: CapabilitiesService,
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

  @Get(':id/capabilities')
  @ApiOperation({ summary: 'Tools, prompts and resources, with cached_at' })
  capabilitiesOf(@Param('id') id: string): Promise<CapabilitiesView> {
    return this.capabilities.view(id);
  }
}
