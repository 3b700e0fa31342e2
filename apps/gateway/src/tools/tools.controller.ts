import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ToolExecutionResult } from '@omni2/contracts';
import { ToolExecutionService } from './tool-execution.service';

@ApiTags('tools')
@Controller('mcp/servers')
export class ToolsController {
  constructor(private readonly tools: ToolExecutionService) {}

  @Post(':id/tools/:tool/execute')
  @HttpCode(200)
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
  ): Promise<ToolExecutionResult> {
    return this.tools.execute(id, tool, body);
  }
}
