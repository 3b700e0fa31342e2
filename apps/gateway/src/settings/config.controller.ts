import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ConfigEntryView } from '@omni2/contracts';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { SettingsService } from './settings.service';
import { anyRuntimeSettingSchema } from '../config/runtime-config.schemas';
import { ApiRoute } from '../openapi/api-route';
import { configKey } from '../openapi/path-params';
import { configEntryViewSchema } from '../openapi/view-schemas';

@ApiTags('config')
@Controller('config')
export class ConfigController {
  constructor(private readonly settings: SettingsService) {}

  @Get(':key')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'getSetting',
    summary: 'Read a runtime setting',
    ok: { schema: configEntryViewSchema, description: 'The setting in force' },
    errors: ['CONFIG_KEY_UNKNOWN'],
  })
  get(@Param('key', { schema: configKey }) key: string): Promise<ConfigEntryView> {
    return this.settings.entry(key);
  }

  @Put(':key')
  @RequireRole('admin')
  @Audited('config.update', 'config', 'key')
  @ApiRoute({
    operationId: 'putSetting',
    summary: 'Replace a runtime setting; applied without restart',
    description: 'The body is the whole setting the path names.',
    ok: { schema: configEntryViewSchema, description: 'The setting as stored' },
    errors: ['CONFIG_KEY_UNKNOWN'],
    requestExample: { retention_days: 14 },
  })
  put(
    @Param('key', { schema: configKey }) key: string,
    @Body({ schema: anyRuntimeSettingSchema }) body: unknown,
  ): Promise<ConfigEntryView> {
    return this.settings.put(key, body);
  }
}
