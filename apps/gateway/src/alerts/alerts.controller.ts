import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  AlertChannelView,
  AlertRuleView,
  ChannelTestResult,
  DeliveryPage,
  MaintenanceWindowView,
} from '@omni2/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { callerOf } from '../auth/caller';
import { RequireRole } from '../common/access.decorator';
import { ApiRoute } from '../openapi/api-route';
import {
  alertChannelViewSchema,
  alertRuleViewSchema,
  channelTestResultSchema,
  deliveryPageSchema,
  maintenanceWindowViewSchema,
} from '../openapi/view-schemas';
import {
  deliveryQuerySchema,
  ruleInputSchema,
  rulePatchSchema,
  windowInputSchema,
  windowPatchSchema,
} from './alert-inputs';
import { AlertsAdminService, channelInputSchema, channelPatchSchema } from './alerts-admin.service';

const id = z.string().max(100).meta({ description: 'The id' });

/**
 * SPEC §12: admins manage channels and rules, operators maintenance windows, viewers read.
 * Bodies are parsed by the service with the same schemas the parameters document.
 */
@ApiTags('alerts')
@Controller()
export class AlertsController {
  constructor(private readonly admin: AlertsAdminService) {}

  @Get('alerts/channels')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listAlertChannels',
    summary: 'Alert channels (secrets read "***")',
    ok: { schema: z.array(alertChannelViewSchema), description: 'Every channel' },
  })
  listChannels(): Promise<AlertChannelView[]> {
    return this.admin.listChannels();
  }

  @Post('alerts/channels')
  @RequireRole('admin')
  @Audited('alert_channel.create', 'alert_channel')
  @ApiRoute({
    operationId: 'createAlertChannel',
    summary: 'Add a channel: webhook, slack, teams, discord or email',
    ok: { status: 201, schema: alertChannelViewSchema, description: 'The channel' },
    errors: ['ALERT_NAME_TAKEN'],
    requestExample: {
      name: 'ops-webhook',
      kind: 'webhook',
      config: { url: 'https://hooks.example.com/omni2', secret: 'a-long-shared-secret-value' },
    },
  })
  createChannel(@Body({ schema: channelInputSchema }) body: unknown): Promise<AlertChannelView> {
    return this.admin.createChannel(body);
  }

  @Patch('alerts/channels/:id')
  @RequireRole('admin')
  @Audited('alert_channel.update', 'alert_channel')
  @ApiRoute({
    operationId: 'updateAlertChannel',
    summary: 'Change a channel; "***" keeps a stored secret',
    ok: { schema: alertChannelViewSchema, description: 'The channel' },
    errors: ['ALERT_NOT_FOUND', 'ALERT_NAME_TAKEN'],
  })
  updateChannel(
    @Param('id', { schema: id }) channelId: string,
    @Body({ schema: channelPatchSchema }) body: unknown,
  ): Promise<AlertChannelView> {
    return this.admin.updateChannel(channelId, body);
  }

  @Delete('alerts/channels/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @Audited('alert_channel.delete', 'alert_channel')
  @ApiRoute({
    operationId: 'deleteAlertChannel',
    summary: 'Delete a channel (rules keep their other channels)',
    ok: { status: 204, description: 'Deleted' },
    errors: ['ALERT_NOT_FOUND'],
  })
  deleteChannel(@Param('id', { schema: id }) channelId: string): Promise<void> {
    return this.admin.deleteChannel(channelId);
  }

  @Post('alerts/channels/:id/test')
  @HttpCode(200)
  @RequireRole('admin')
  @Audited('alert_channel.test', 'alert_channel')
  @ApiRoute({
    operationId: 'testAlertChannel',
    summary: "Send a test notification now; shows the receiver's answer",
    ok: { schema: channelTestResultSchema, description: 'What the receiver answered' },
    errors: ['ALERT_NOT_FOUND'],
  })
  testChannel(@Param('id', { schema: id }) channelId: string): Promise<ChannelTestResult> {
    return this.admin.testChannel(channelId);
  }

  @Get('alerts/rules')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listAlertRules',
    summary: 'Alert rules',
    ok: { schema: z.array(alertRuleViewSchema), description: 'Every rule' },
  })
  listRules(): Promise<AlertRuleView[]> {
    return this.admin.listRules();
  }

  @Post('alerts/rules')
  @RequireRole('admin')
  @Audited('alert_rule.create', 'alert_rule')
  @ApiRoute({
    operationId: 'createAlertRule',
    summary: 'Add a rule: which events, for which servers, after what, to which channels',
    ok: { status: 201, schema: alertRuleViewSchema, description: 'The rule' },
    errors: ['ALERT_NAME_TAKEN'],
  })
  createRule(@Body({ schema: ruleInputSchema }) body: unknown): Promise<AlertRuleView> {
    return this.admin.createRule(body);
  }

  @Patch('alerts/rules/:id')
  @RequireRole('admin')
  @Audited('alert_rule.update', 'alert_rule')
  @ApiRoute({
    operationId: 'updateAlertRule',
    summary: 'Change a rule',
    ok: { schema: alertRuleViewSchema, description: 'The rule' },
    errors: ['ALERT_NOT_FOUND', 'ALERT_NAME_TAKEN'],
  })
  updateRule(
    @Param('id', { schema: id }) ruleId: string,
    @Body({ schema: rulePatchSchema }) body: unknown,
  ): Promise<AlertRuleView> {
    return this.admin.updateRule(ruleId, body);
  }

  @Delete('alerts/rules/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @Audited('alert_rule.delete', 'alert_rule')
  @ApiRoute({
    operationId: 'deleteAlertRule',
    summary: 'Delete a rule',
    ok: { status: 204, description: 'Deleted' },
    errors: ['ALERT_NOT_FOUND'],
  })
  deleteRule(@Param('id', { schema: id }) ruleId: string): Promise<void> {
    return this.admin.deleteRule(ruleId);
  }

  @Get('maintenance-windows')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listMaintenanceWindows',
    summary: 'Maintenance windows, with whether each is on now',
    ok: { schema: z.array(maintenanceWindowViewSchema), description: 'Every window' },
  })
  listWindows(): Promise<MaintenanceWindowView[]> {
    return this.admin.listWindows();
  }

  @Post('maintenance-windows')
  @RequireRole('operator')
  @Audited('maintenance_window.create', 'maintenance_window')
  @ApiRoute({
    operationId: 'createMaintenanceWindow',
    summary: 'Add a window: alerts held and no auto-disable while it is on',
    ok: { status: 201, schema: maintenanceWindowViewSchema, description: 'The window' },
    requestExample: {
      name: 'Sunday patching',
      starts_at: '2026-12-06T00:00:00Z',
      recurrence: '0 2 * * 0',
      duration_seconds: 3600,
    },
  })
  createWindow(
    @Body({ schema: windowInputSchema }) body: unknown,
    @Req() req: Request,
  ): Promise<MaintenanceWindowView> {
    return this.admin.createWindow(body, callerOf(req).name);
  }

  @Patch('maintenance-windows/:id')
  @RequireRole('operator')
  @Audited('maintenance_window.update', 'maintenance_window')
  @ApiRoute({
    operationId: 'updateMaintenanceWindow',
    summary: 'Change a window',
    ok: { schema: maintenanceWindowViewSchema, description: 'The window' },
    errors: ['ALERT_NOT_FOUND'],
  })
  updateWindow(
    @Param('id', { schema: id }) windowId: string,
    @Body({ schema: windowPatchSchema }) body: unknown,
  ): Promise<MaintenanceWindowView> {
    return this.admin.updateWindow(windowId, body);
  }

  @Delete('maintenance-windows/:id')
  @HttpCode(204)
  @RequireRole('operator')
  @Audited('maintenance_window.delete', 'maintenance_window')
  @ApiRoute({
    operationId: 'deleteMaintenanceWindow',
    summary: 'Delete a window',
    ok: { status: 204, description: 'Deleted' },
    errors: ['ALERT_NOT_FOUND'],
  })
  deleteWindow(@Param('id', { schema: id }) windowId: string): Promise<void> {
    return this.admin.deleteWindow(windowId);
  }

  @Get('alerts/deliveries')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listDeliveries',
    summary: 'The delivery log: each notification, its status, attempts and last answer',
    ok: { schema: deliveryPageSchema, description: 'Newest first' },
  })
  deliveries(@Query({ schema: deliveryQuerySchema }) query: unknown): Promise<DeliveryPage> {
    return this.admin.deliveries(query);
  }
}
