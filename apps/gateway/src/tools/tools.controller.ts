import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { ToolRunCancelAccepted, ToolRunResult } from '@omni2/contracts';
import type { Request, Response } from 'express';
import { DomainErrorFilter } from '../common/domain-error.filter';
import { noteErrorCode } from '../common/response-outcome';
import { Audited } from '../audit/audited.decorator';
import { PassThroughJson } from '../common/request-shape';
import { RequireRole } from '../common/access.decorator';
import { callerOf } from '../auth/caller';
import { RunEventStream, wantsEventStream } from './run-event-stream';
import { ToolExecutionService } from './tool-execution.service';

/** Errors of a run that already streams are sent as its `error` event, in the filter's shape. */
const errorBodies = new DomainErrorFilter();

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
      'Answers with the result (status "complete"), or with a question the server asked during the run (status "input_required", an input_token and the form). Answer it with a second request carrying { input_token, input_response: { action: "accept", content } | { action: "decline" } | { action: "cancel" } }. ' +
      "`timeout_seconds` (optional) replaces the server's own timeout for this run, up to the rate_limits.tool_timeout_max_seconds setting; a timeout shorter than the server's own is not counted against its circuit breaker. " +
      'With `Accept: text/event-stream` the answer is an event stream once the run reaches the server: `run` ({ run_id, server_id, tool, timeout_seconds }), `progress` ({ progress, total, message }) as the server reports it, then one `result` (the JSON answer\'s body; status "cancelled" when cancelled) or one `error` (the JSON error body). Anything refused before the run starts is an ordinary HTTP error. Closing the stream cancels the run.',
  })
  @ApiHeader({
    name: 'Accept',
    required: false,
    description: '`text/event-stream` to follow the run (progress, cancel by run id)',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          properties: {
            arguments: { type: 'object' },
            timeout_seconds: { type: 'integer', minimum: 1 },
          },
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
  async execute(
    @Param('id') id: string,
    @Param('tool') tool: string,
    @Body() body: unknown,
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
  @ApiOperation({
    summary: 'Cancel a tool run under way',
    description:
      'The run id comes in the `run` event of a streamed execute request. The server is told (notifications/cancelled, or on 2026-07-28 Streamable HTTP by closing the request stream) and the run ends with a result of status "cancelled", never counted against the server. Only the caller who started the run can cancel it; a run held by another replica is cancelled there.',
  })
  cancel(
    @Param('id') id: string,
    @Param('tool') tool: string,
    @Param('run_id') runId: string,
    @Req() req: Request,
  ): Promise<ToolRunCancelAccepted> {
    return this.tools.cancel(id, tool, runId, callerOf(req).id);
  }
}
