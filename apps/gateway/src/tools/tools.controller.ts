import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ToolExecutionResult } from '@omni2/contracts';
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
  @PassThroughJson('arguments')
  @ApiOperation({ summary: 'Run a tool with arguments validated against its input schema' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { arguments: { type: 'object' } },
      additionalProperties: false,
    },
  })
  execute(
    @Param('id') id: string,
    @Param('tool') tool: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<ToolExecutionResult> {
    return this.tools.execute(id, tool, body, callerOf(req).id);
  }
}
