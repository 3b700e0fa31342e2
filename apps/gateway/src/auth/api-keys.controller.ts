import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKey } from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { ApiKeysService } from './api-keys.service';
import { callerOf } from './caller';

@ApiTags('iam')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys (never the keys themselves)' })
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Post()
  @Audited('api_key.create', 'api_key')
  @ApiOperation({ summary: 'Create an API key with a role; the key is shown once' })
  create(@Body() body: unknown, @Req() req: Request): Promise<CreatedApiKey> {
    return this.keys.create(callerOf(req), body);
  }

  @Delete(':id')
  @Audited('api_key.revoke', 'api_key')
  @ApiOperation({ summary: 'Revoke an API key (kept, marked revoked, for the audit trail)' })
  revoke(@Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.revoke(id);
  }
}
