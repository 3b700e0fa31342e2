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
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { ConnectionTestResult, McpServerView, StdioAllowlistView } from '@omni2/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import type { Audience } from './server-list.snapshot';
import { RegistryService } from './registry.service';
import { createServerSchema, updateServerSchema } from './server-input.schema';
import { ConnectionTester, ServerEditor } from './server-actions';

const asOpenApi = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;

@ApiTags('servers')
@ApiBearerAuth()
@Controller('mcp/servers')
export class RegistryController {
  constructor(
    private readonly registry: RegistryService,
    private readonly operator: ServerEditor,
    private readonly connectionTest: ConnectionTester,
  ) {}

  @Get()
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List registered MCP servers' })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'inactive'] })
  @ApiQuery({ name: 'health_status', required: false, description: 'comma-separated' })
  @ApiQuery({ name: 'protocol', required: false })
  @ApiQuery({ name: 'q', required: false, description: 'search name, description, URL' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ description: 'McpServerList: { items: McpServerView[], total: number }' })
  async list(
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Pre-serialized (and pre-compressed) bytes from the list snapshot.
    (await this.registry.listBody(query, audienceOf(req))).send(req, res);
  }

  @Post()
  @RequireRole('admin')
  @Audited('server.create', 'server')
  @ApiOperation({ summary: 'Register an MCP server' })
  @ApiBody({ schema: asOpenApi(createServerSchema) })
  create(@Body() body: unknown): Promise<McpServerView> {
    return this.registry.create(body);
  }

  @Post('test-connection')
  @HttpCode(200)
  @RequireRole('admin')
  @Audited('server.test_connection', 'server')
  @ApiOperation({
    summary:
      'Try a server definition (the create body) without saving it: connect, handshake, ping, list',
  })
  @ApiBody({ schema: asOpenApi(createServerSchema) })
  @ApiOkResponse({
    description:
      'ConnectionTestResult: { ok, stage, error_kind, error, protocol_era, protocol_version, ' +
      'server_info, probe, tools, prompts, resources, tool_names, response_time_ms, duration_ms }',
  })
  testConnection(@Body() body: unknown): Promise<ConnectionTestResult> {
    return this.connectionTest.test(body);
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One server, by id or name' })
  get(@Param('id') id: string, @Req() req: Request): Promise<McpServerView> {
    return this.registry.get(id, audienceOf(req));
  }

  @Patch(':id')
  @RequireRole('admin')
  @Audited('server.update', 'server')
  @ApiOperation({ summary: 'Edit a server; connection changes reconnect and check at once' })
  @ApiBody({ schema: asOpenApi(updateServerSchema) })
  update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<McpServerView> {
    return this.operator.edit(id, body, callerOf(req).name);
  }

  @Delete(':id')
  @RequireRole('admin')
  @Audited('server.delete', 'server')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a server and close its session' })
  remove(@Param('id') id: string): Promise<void> {
    return this.registry.remove(id);
  }
}

/** What the console's stdio help lists. Admin only, like creating a stdio server. */
@ApiTags('servers')
@ApiBearerAuth()
@Controller('mcp')
export class StdioAllowlistController {
  constructor(private readonly registry: RegistryService) {}

  @Get('stdio-allowlist')
  @RequireRole('admin')
  @ApiOperation({ summary: 'The commands stdio servers may run (OMNI2_STDIO_ALLOWLIST)' })
  @ApiOkResponse({ description: 'StdioAllowlistView: { commands: string[] }' })
  stdioAllowlist(): StdioAllowlistView {
    return { commands: this.registry.stdioCommands() };
  }
}

/** Viewers read servers without connection details (viewerServerView). */
function audienceOf(req: Request): Audience {
  return callerOf(req).role === 'viewer' ? 'viewer' : 'full';
}
