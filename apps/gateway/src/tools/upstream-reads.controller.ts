import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { PromptGetResult, ResourceReadResult } from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import { PassThroughJson } from '../common/request-shape';
import { promptBodySchema, readBodySchema, UpstreamReadsService } from './upstream-reads.service';
import { ApiRoute, UPSTREAM_READ_ERRORS } from '../openapi/api-route';
import { promptName, serverRef } from '../openapi/path-params';
import { promptGetResultSchema, resourceReadResultSchema } from '../openapi/view-schemas';

@ApiTags('tools')
@Controller('mcp/servers')
export class UpstreamReadsController {
  constructor(private readonly reads: UpstreamReadsService) {}

  @Post(':id/resources/read')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('resource.read', 'server')
  @ApiRoute({
    operationId: 'readServerResource',
    summary: 'Read one of the server’s resources (resources/read)',
    ok: { schema: resourceReadResultSchema, description: 'The contents' },
    errors: UPSTREAM_READ_ERRORS,
    requestExample: { uri: 'file:///etc/motd' },
  })
  read(
    @Param('id', { schema: serverRef }) id: string,
    @Body({ schema: readBodySchema }) body: unknown,
    @Req() req: Request,
  ): Promise<ResourceReadResult> {
    return this.reads.readResource(id, body, callerOf(req).id);
  }

  @Post(':id/prompts/:prompt/get')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('prompt.get', 'server')
  @PassThroughJson('arguments')
  @ApiRoute({
    operationId: 'getServerPrompt',
    summary: 'Render one of the server’s prompts with arguments (prompts/get)',
    ok: { schema: promptGetResultSchema, description: 'The rendered messages' },
    errors: UPSTREAM_READ_ERRORS,
    requestExample: { arguments: { topic: 'release notes' } },
  })
  getPrompt(
    @Param('id', { schema: serverRef }) id: string,
    @Param('prompt', { schema: promptName }) prompt: string,
    @Body({ schema: promptBodySchema }) body: unknown,
    @Req() req: Request,
  ): Promise<PromptGetResult> {
    return this.reads.getPrompt(id, prompt, body, callerOf(req).id);
  }
}
