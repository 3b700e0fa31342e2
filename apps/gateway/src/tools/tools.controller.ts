import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ToolRunCancelAccepted, ToolRunResult } from '@omni2/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { DomainErrorFilter } from '../common/domain-error.filter';
import { noteErrorCode } from '../common/response-outcome';
import { Audited } from '../audit/audited.decorator';
import { PassThroughJson } from '../common/request-shape';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import { RunEventStream, wantsEventStream } from './run-event-stream';
import { answerBodySchema, runBodySchema, ToolExecutionService } from './tool-execution.service';
import { ApiRoute } from '../openapi/api-route';
import { runRef, serverRef, toolName } from '../openapi/path-params';
import { toolRunCancelAcceptedSchema, toolRunResultSchema } from '../openapi/view-schemas';

/** Errors of a run that already streams are sent as its `error` event, in the filter's shape. */
const errorBodies = new DomainErrorFilter();

/** A new run, or the answer to the question a paused run asked (the service tells them apart). */
const executeBodySchema = z.union([runBodySchema, answerBodySchema]);

@ApiTags('tools')
@Controller('mcp/servers')
export class ToolsController {
  constructor(private readonly tools: ToolExecutionService) {}

  @Post(':id/tools/:tool/execute')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('tool.execute', 'server')
  @PassThroughJson('arguments', 'input_response')
  @ApiRoute({
    operationId: 'executeTool',
    summary: 'Run a tool with arguments validated against its input schema',
    description:
      'Answers with the result (status "complete"), or with a question the server asked during the run (status "input_required", an input_token and the form). Answer it with a second request carrying { input_token, input_response: { action: "accept", content } | { action: "decline" } | { action: "cancel" } }. ' +
      "`timeout_seconds` (optional) replaces the server's own timeout for this run, up to the rate_limits.tool_timeout_max_seconds setting; a timeout shorter than the server's own is not counted against its circuit breaker. " +
      'With `Accept: text/event-stream` the answer is an event stream once the run reaches the server: `run` ({ run_id, server_id, tool, timeout_seconds }), `progress` ({ progress, total, message }) as the server reports it, then one `result` (the JSON answer\'s body; status "cancelled" when cancelled) or one `error` (the JSON error body). Anything refused before the run starts is an ordinary HTTP error. Closing the stream cancels the run.',
    ok: {
      schema: toolRunResultSchema,
      description: 'The result, or the question the server asked first',
      eventStream: 'Server-Sent Events: run, progress..., then result or error',
    },
    errors: [
      'SERVER_NOT_FOUND',
      'SERVER_DISABLED',
      'TOOL_NOT_FOUND',
      'TOOL_ARGUMENTS_INVALID',
      'TOOL_INPUT_NOT_FOUND',
      'RATE_LIMITED',
      'CIRCUIT_OPEN',
      'UPSTREAM_TIMEOUT',
      'UPSTREAM_UNAVAILABLE',
    ],
    requestExample: { arguments: { city: 'Lisbon' }, timeout_seconds: 30 },
  })
  async execute(
    @Param('id', { schema: serverRef }) id: string,
    @Param('tool', { schema: toolName }) tool: string,
    @Body({ schema: executeBodySchema }) body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<ToolRunResult | undefined> {
    const caller = callerOf(req).id;
    if (!wantsEventStream(req)) {
      const result = await this.tools.execute(id, tool, body, caller);
      // A caller that went away gets nothing written: its audit entry says the client closed.
      if (!res.destroyed) res.status(200).json(result);
      return result;
    }
    const stream = new RunEventStream(res);
    let finished = false;
    res.once('close', () => {
      stream.closed();
      if (!finished && stream.runId !== null) this.tools.abandon(stream.runId);
    });
    try {
      const result = await this.tools.execute(id, tool, body, caller, stream);
      finished = true;
      if (stream.open) stream.finish({ result });
      else if (!res.destroyed) res.status(200).json(result);
      return result;
    } catch (error) {
      finished = true;
      if (!stream.open) throw error;
      const body = errorBodies.bodyOf(error);
      noteErrorCode(res, body.code);
      stream.finish({ error: body });
      return undefined;
    }
  }

  @Post(':id/tools/:tool/runs/:run_id/cancel')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('tool.cancel', 'server')
  @ApiRoute({
    operationId: 'cancelToolRun',
    summary: 'Cancel a tool run under way',
    description:
      'The run id comes in the `run` event of a streamed execute request. The server is told (notifications/cancelled, or on 2026-07-28 Streamable HTTP by closing the request stream) and the run ends with a result of status "cancelled", never counted against the server. Only the caller who started the run can cancel it; a run held by another replica is cancelled there.',
    ok: { schema: toolRunCancelAcceptedSchema, description: 'The run is being cancelled' },
    errors: ['SERVER_NOT_FOUND', 'TOOL_RUN_NOT_FOUND'],
  })
  cancel(
    @Param('id', { schema: serverRef }) id: string,
    @Param('tool', { schema: toolName }) tool: string,
    @Param('run_id', { schema: runRef }) runId: string,
    @Req() req: Request,
  ): Promise<ToolRunCancelAccepted> {
    return this.tools.cancel(id, tool, runId, callerOf(req).id);
  }
}
