import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKey } from '@omni2/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { ApiKeysService } from './api-keys.service';
import { callerOf } from './caller';
import { createApiKeySchema } from './auth-input.schema';
import { ApiRoute } from '../openapi/api-route';
import { apiKeyId } from '../openapi/path-params';
import { apiKeyViewSchema, createdApiKeySchema } from '../openapi/view-schemas';

@ApiTags('iam')
@RequireRole('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiRoute({
    operationId: 'listApiKeys',
    summary: 'List API keys (never the keys themselves)',
    ok: { schema: z.array(apiKeyViewSchema), description: 'Every API key, revoked ones too' },
  })
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Post()
  @Audited('api_key.create', 'api_key')
  @ApiRoute({
    operationId: 'createApiKey',
    summary: 'Create an API key with a role; the key is shown once',
    ok: { status: 201, schema: createdApiKeySchema, description: 'The key, shown this once' },
    requestExample: { name: 'ci-deploy', role: 'operator', expires_in_days: 90 },
  })
  create(
    @Body({ schema: createApiKeySchema }) body: unknown,
    @Req() req: Request,
  ): Promise<CreatedApiKey> {
    return this.keys.create(callerOf(req), body);
  }

  @Delete(':id')
  @Audited('api_key.revoke', 'api_key')
  @ApiRoute({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (kept, marked revoked, for the audit trail)',
    ok: { schema: apiKeyViewSchema, description: 'The key, revoked' },
    errors: ['API_KEY_NOT_FOUND'],
  })
  revoke(@Param('id', { schema: apiKeyId }) id: string): Promise<ApiKeyView> {
    return this.keys.revoke(id);
  }
}
