import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ToolRunResult } from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { PassThroughJson } from '../common/request-shape';
import { RequireRole } from '../auth/access.decorator';
import { callerOf } from '../auth/caller';
import { ToolExecutionService } from './tool-execution.service';

@ApiTags('tools')
@ApiBearerAuth()
@Controller('mcp/servers')
export class ToolsController {
  constructor(private readonly tools: ToolExecutionService) {}

  @Post(':id/tools/:tool/execute')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('tool.execute', 'server')
  @PassThroughJson('arguments', 'input_response')
  @ApiOperation({
    summary: 'Run a tool with arguments validated against its input schema',
    description:
      'Answers with the result (status "complete"), or with a question the server asked during the run (status "input_required", an input_token and the form). Answer it with a second request carrying { input_token, input_response: { action: "accept", content } | { action: "decline" } | { action: "cancel" } }.',
  })
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          properties: { arguments: { type: 'object' } },
          additionalProperties: false,
        },
        {
          type: 'object',
          required: ['input_token', 'input_response'],
          properties: {
            input_token: { type: 'string' },
            input_response: {
              type: 'object',
              required: ['action'],
              properties: {
                action: { type: 'string', enum: ['accept', 'decline', 'cancel'] },
                content: { type: 'object' },
              },
            },
          },
          additionalProperties: false,
        },
      ],
    },
  })
  execute(
    @Param('id') id: string,
    @Param('tool') tool: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<ToolRunResult> {
    return this.tools.execute(id, tool, body, callerOf(req).id);
  }
}
