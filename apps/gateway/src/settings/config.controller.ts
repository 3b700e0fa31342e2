import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConfigEntryView } from '@omni2/contracts';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { SettingsService } from './settings.service';

@ApiTags('config')
@ApiBearerAuth()
@Controller('config')
export class ConfigController {
  constructor(private readonly settings: SettingsService) {}

  @Get(':key')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Read a runtime setting (health_check, circuit_breaker, logging)' })
  get(@Param('key') key: string): Promise<ConfigEntryView> {
    return this.settings.entry(key);
  }

  @Put(':key')
  @RequireRole('admin')
  @Audited('config.update', 'config', 'key')
  @ApiOperation({ summary: 'Replace a runtime setting; applied without restart' })
  put(@Param('key') key: string, @Body() body: unknown): Promise<ConfigEntryView> {
    return this.settings.put(key, body);
  }
}
