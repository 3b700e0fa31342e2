import { AlertCatalog, inScope } from '../alerts/alert-catalog';
import { coveredIntervals } from '../alerts/maintenance-schedule';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
import { healthLogQuerySchema, uptimeQuerySchema } from '../health-log/health-log.service';
import { ApiRoute, UPSTREAM_READ_ERRORS } from '../openapi/api-route';
import { serverRef } from '../openapi/path-params';
import {
  bulkHealthCheckResultSchema,
  capabilitiesViewSchema,
  healthCheckResultSchema,
  healthLogPageSchema,
  mcpServerViewSchema,
  uptimeViewSchema,
} from '../openapi/view-schemas';

@ApiTags('health')
@Controller('mcp/servers')
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly capabilities: CapabilitiesService,
    private readonly operator: OperatorActionsService,
    private readonly healthLog: HealthLogService,
    private readonly registry: RegistryService,
    private readonly config: RuntimeConfigService,
    private readonly catalog: AlertCatalog,
  ) {}

  @Post('health-check')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.check_all', 'server')
  @ApiRoute({
    operationId: 'checkAllServers',
    summary: 'Check every active server now, concurrently',
    ok: { schema: bulkHealthCheckResultSchema, description: 'Counts and each result' },
  })
  checkAll(): Promise<BulkHealthCheckResult> {
    return this.checks.checkAll();
  }

  @Post(':id/health-check')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.check', 'server')
  @ApiRoute({
    operationId: 'checkServer',
    summary: 'Check one server now on its live session; returns the fresh status',
    ok: {
      schema: healthCheckResultSchema,
      description: 'The check; a failing server is `ok: false`, not an error',
    },
    errors: ['SERVER_NOT_FOUND', 'SERVER_DISABLED'],
  })
  check(@Param('id', { schema: serverRef }) id: string): Promise<HealthCheckResult> {
    return this.checks.check(id);
  }

  @Post(':id/reload')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.reload', 'server')
  @ApiRoute({
    operationId: 'reloadServer',
    summary: 'Reconnect, refetch capabilities and check now',
    ok: { schema: healthCheckResultSchema, description: 'The check after reconnecting' },
    errors: ['SERVER_NOT_FOUND', 'SERVER_DISABLED'],
  })
  reload(@Param('id', { schema: serverRef }) id: string): Promise<HealthCheckResult> {
    return this.checks.check(id, true);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.enable', 'server')
  @ApiRoute({
    operationId: 'enableServer',
    summary: 'Enable: counters cleared, circuit closed, checked at once',
    ok: { schema: mcpServerViewSchema, description: 'The server, enabled' },
    errors: ['SERVER_NOT_FOUND'],
  })
  enable(
    @Param('id', { schema: serverRef }) id: string,
    @Req() req: Request,
  ): Promise<McpServerView> {
    return this.operator.enable(id, callerOf(req).name);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.disable', 'server')
  @ApiRoute({
    operationId: 'disableServer',
    summary: 'Disable: checks stop and the session closes',
    ok: { schema: mcpServerViewSchema, description: 'The server, disabled' },
    errors: ['SERVER_NOT_FOUND'],
  })
  disable(
    @Param('id', { schema: serverRef }) id: string,
    @Req() req: Request,
  ): Promise<McpServerView> {
    return this.operator.disable(id, callerOf(req).name);
  }

  @Post(':id/circuit/reset')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('server.circuit_reset', 'server')
  @ApiRoute({
    operationId: 'resetServerCircuit',
    summary: 'Close the circuit, clear counters, check at once',
    ok: { schema: mcpServerViewSchema, description: 'The server, circuit closed' },
    errors: ['SERVER_NOT_FOUND'],
  })
  reset(
    @Param('id', { schema: serverRef }) id: string,
    @Req() req: Request,
  ): Promise<McpServerView> {
    return this.operator.resetCircuit(id, callerOf(req).name);
  }

  @Get(':id/health-logs')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listServerHealthLog',
    summary: 'Health log, newest first',
    ok: { schema: healthLogPageSchema, description: 'One page; pass next_cursor as before' },
    errors: ['SERVER_NOT_FOUND'],
  })
  async healthLogs(
    @Param('id', { schema: serverRef }) id: string,
    @Query({ schema: healthLogQuerySchema }) query: Record<string, unknown>,
    @Req() req: Request,
  ): Promise<HealthLogPage> {
    const audience = callerOf(req).role === 'viewer' ? 'viewer' : 'full';
    return this.healthLog.page(await this.registry.find(id), query, audience);
  }

  @Get(':id/uptime')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'getServerUptime',
    summary: 'Uptime over 24h, 7d or 30d',
    ok: { schema: uptimeViewSchema, description: 'Figures for the window' },
    errors: ['SERVER_NOT_FOUND'],
  })
  async uptime(
    @Param('id', { schema: serverRef }) id: string,
    @Query({ schema: uptimeQuerySchema }) query: Record<string, unknown>,
  ): Promise<UptimeView> {
    const row = await this.registry.find(id);
    const { maintenance_counts_in_uptime: counted } = await this.config.get('alerts');
    return this.healthLog.uptime(row, query, Date.now(), {
      counted,
      intervals: async (from, to) =>
        coveredIntervals(
          (await this.catalog.allWindows()).filter((w) =>
            inScope(w, { id: row.id, name: row.name }),
          ),
          from,
          to,
        ),
    });
  }

  @Get(':id/capabilities')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'getServerCapabilities',
    summary: 'Tools, prompts and resources, with cached_at',
    ok: { schema: capabilitiesViewSchema, description: 'The lists as last fetched' },
    errors: UPSTREAM_READ_ERRORS,
  })
  async capabilitiesOf(
    @Param('id', { schema: serverRef }) id: string,
    @Req() req: Request,
  ): Promise<CapabilitiesView> {
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
