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
import { ApiTags } from '@nestjs/swagger';
import type { ConnectionTestResult, McpServerView, StdioAllowlistView } from '@omni2/contracts';
import type { Request, Response } from 'express';
import { Audited } from '../audit/audited.decorator';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import type { Audience } from './server-list.snapshot';
import { RegistryService } from './registry.service';
import { createServerSchema, updateServerSchema } from './server-input.schema';
import { ConnectionTester, ServerEditor } from './server-actions';
import { listQuerySchema } from './list-query';
import { ApiRoute } from '../openapi/api-route';
import { serverRef } from '../openapi/path-params';
import {
  connectionTestResultSchema,
  mcpServerListSchema,
  mcpServerViewSchema,
  stdioAllowlistViewSchema,
} from '../openapi/view-schemas';

const SERVER_EXAMPLE = {
  name: 'weather',
  description: 'Forecasts for the ops team',
  protocol: 'streamable_http',
  url: 'https://mcp.example.net/weather/mcp',
  auth_type: 'bearer',
  auth_config: { token: 'a-secret-token' },
  timeout_seconds: 30,
};

@ApiTags('servers')
@Controller('mcp/servers')
export class RegistryController {
  constructor(
    private readonly registry: RegistryService,
    private readonly operator: ServerEditor,
    private readonly connectionTest: ConnectionTester,
  ) {}

  @Get()
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'listServers',
    summary: 'List registered MCP servers',
    description: 'Viewers get each server without its connection details.',
    ok: { schema: mcpServerListSchema, description: 'The servers that match, and their count' },
  })
  async list(
    @Query({ schema: listQuerySchema }) query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Pre-serialized (and pre-compressed) bytes from the list snapshot.
    (await this.registry.listBody(query, audienceOf(req))).send(req, res);
  }

  @Post()
  @RequireRole('admin')
  @Audited('server.create', 'server')
  @ApiRoute({
    operationId: 'createServer',
    summary: 'Register an MCP server',
    ok: { status: 201, schema: mcpServerViewSchema, description: 'The server as registered' },
    errors: ['SERVER_NAME_TAKEN'],
    requestExample: SERVER_EXAMPLE,
  })
  create(@Body({ schema: createServerSchema }) body: unknown): Promise<McpServerView> {
    return this.registry.create(body);
  }

  @Post('test-connection')
  @HttpCode(200)
  @RequireRole('admin')
  @Audited('server.test_connection', 'server')
  @ApiRoute({
    operationId: 'testServerConnection',
    summary:
      'Try a server definition (the create body) without saving it: connect, handshake, ping, list',
    ok: {
      schema: connectionTestResultSchema,
      description: 'What the test found; a failing server is `ok: false`, not an error',
    },
    requestExample: SERVER_EXAMPLE,
  })
  testConnection(
    @Body({ schema: createServerSchema }) body: unknown,
  ): Promise<ConnectionTestResult> {
    return this.connectionTest.test(body);
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'getServer',
    summary: 'One server, by id or name',
    ok: { schema: mcpServerViewSchema, description: 'The server' },
    errors: ['SERVER_NOT_FOUND'],
  })
  get(@Param('id', { schema: serverRef }) id: string, @Req() req: Request): Promise<McpServerView> {
    return this.registry.get(id, audienceOf(req));
  }

  @Patch(':id')
  @RequireRole('admin')
  @Audited('server.update', 'server')
  @ApiRoute({
    operationId: 'updateServer',
    summary: 'Edit a server; connection changes reconnect and check at once',
    ok: { schema: mcpServerViewSchema, description: 'The server as edited' },
    errors: ['SERVER_NOT_FOUND', 'SERVER_NAME_TAKEN'],
    requestExample: { timeout_seconds: 60, description: 'Forecasts, now slower' },
  })
  update(
    @Param('id', { schema: serverRef }) id: string,
    @Body({ schema: updateServerSchema }) body: unknown,
    @Req() req: Request,
  ): Promise<McpServerView> {
    return this.operator.edit(id, body, callerOf(req).name);
  }

  @Delete(':id')
  @RequireRole('admin')
  @Audited('server.delete', 'server')
  @HttpCode(204)
  @ApiRoute({
    operationId: 'deleteServer',
    summary: 'Delete a server and close its session',
    ok: { status: 204, description: 'Deleted' },
    errors: ['SERVER_NOT_FOUND'],
  })
  remove(@Param('id', { schema: serverRef }) id: string): Promise<void> {
    return this.registry.remove(id);
  }
}

/** What the console's stdio help lists. Admin only, like creating a stdio server. */
@ApiTags('servers')
@Controller('mcp')
export class StdioAllowlistController {
  constructor(private readonly registry: RegistryService) {}

  @Get('stdio-allowlist')
  @RequireRole('admin')
  @ApiRoute({
    operationId: 'getStdioAllowlist',
    summary: 'The commands stdio servers may run (OMNI2_STDIO_ALLOWLIST)',
    ok: { schema: stdioAllowlistViewSchema, description: 'The allowed commands' },
  })
  stdioAllowlist(): StdioAllowlistView {
    return { commands: this.registry.stdioCommands() };
  }
}

/** Viewers read servers without connection details (viewerServerView). */
function audienceOf(req: Request): Audience {
  return callerOf(req).role === 'viewer' ? 'viewer' : 'full';
}
