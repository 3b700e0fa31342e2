import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PromptGetResult, ResourceReadResult } from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import { PassThroughJson } from '../common/request-shape';
import { UpstreamReadsService } from './upstream-reads.service';

@ApiTags('tools')
@ApiBearerAuth()
@Controller('mcp/servers')
export class UpstreamReadsController {
  constructor(private readonly reads: UpstreamReadsService) {}

  @Post(':id/resources/read')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('resource.read', 'server')
  @ApiOperation({ summary: 'Read one of the server’s resources (resources/read)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['uri'],
      properties: { uri: { type: 'string' } },
      additionalProperties: false,
    },
  })
  read(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<ResourceReadResult> {
    return this.reads.readResource(id, body, callerOf(req).id);
  }

  @Post(':id/prompts/:prompt/get')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('prompt.get', 'server')
  @PassThroughJson('arguments')
  @ApiOperation({ summary: 'Render one of the server’s prompts with arguments (prompts/get)' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { arguments: { type: 'object', additionalProperties: { type: 'string' } } },
      additionalProperties: false,
    },
  })
  getPrompt(
    @Param('id') id: string,
    @Param('prompt') prompt: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<PromptGetResult> {
    return this.reads.getPrompt(id, prompt, body, callerOf(req).id);
  }
}
