import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type {
  ToolCancelledResult,
  ToolExecutionResult,
  ToolInputRequiredResult,
  ToolInputResponse,
  ToolRunCancelAccepted,
  ToolRunResult,
  ToolView,
} from '@omni2/contracts';
import { z } from 'zod';
import { CapabilitiesService } from '../capabilities/capabilities.service';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { ConnectionManager } from '../connections/connection-manager';
import {
  CallCancelledError,
  classifyError,
  isVersionRejected,
  UpstreamRpcError,
  UpstreamTimeoutError,
} from '../connections/error-classifier';
import { upstreamFailure } from '../connections/upstream-failure';
import { RegistryService } from '../registry/registry.service';
import { CallRateLimiter } from '../auth/call-rate-limiter';
import { RuntimeConfigService } from '../config/runtime-config.service';
import type { InputBroker } from '../connections/tool-input';
import { ArgumentValidator } from './argument-validator';
import { breakerInput, type CallEnd } from './breaker-fairness';
import { InteractiveRun, type RunEnd } from './interactive-run';
import { InputRelay, type RunAnswer, type RunCancel } from './input-relay';
import { type LiveRun, LiveRuns, type RunListener } from './live-runs';
import { PausedRuns } from './paused-runs';

/** A relayed answer waits for the run's next step: the tool's timeout, and this much more. */
const RELAY_MARGIN_MS = 5_000;
/** A relayed cancel waits this long for the replica that holds the run. */
const RELAY_CANCEL_TIMEOUT_MS = 5_000;
import { CircuitGate, type Ticket } from '../breaker/circuit-gate';
import { HealthCheckService } from '../health/health-check.service';
import type { CallOutcome } from '../health/check-recorder';
import { Metrics } from '../metrics/metrics';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { StdioCommandRefusedError } from '../registry/stdio-allowlist';
import { SecretUnreadableError } from '../secrets/secret-codec';

const formValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** A new run; `timeout_seconds` is bounded by the `rate_limits.tool_timeout_max_seconds` setting. */
export const runBodySchema = z
  .object({
    arguments: z.record(z.string(), z.unknown()).default({}),
    timeout_seconds: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();

/** The answer to the question a paused run asked. */
export const answerBodySchema = z
  .object({
    input_token: z.string().min(1).max(200),
    input_response: z.discriminatedUnion('action', [
      z
        .object({
          action: z.literal('accept'),
          content: z.record(z.string(), formValue).default({}),
        })
        .strict(),
      z.object({ action: z.literal('decline') }).strict(),
      z.object({ action: z.literal('cancel') }).strict(),
    ]),
  })
  .strict();

/** Which of the two a body means: its errors then name the fields of that one. */
function isAnswer(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'input_token' in body;
}

/** Runs one tool on one server for an operator, through the server's live session. */
@Injectable()
export class ToolExecutionService implements OnModuleInit {
  private readonly log = new Logger('tools');

  constructor(
    private readonly registry: RegistryService,
    private readonly capabilities: CapabilitiesService,
    private readonly connections: ConnectionManager,
    private readonly validator: ArgumentValidator,
    private readonly limiter: CallRateLimiter,
    private readonly config: RuntimeConfigService,
    private readonly metrics: Metrics,
    private readonly checks: HealthCheckService,
    private readonly gate: CircuitGate,
    private readonly paused: PausedRuns,
    private readonly relay: InputRelay,
    private readonly runs: LiveRuns,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.relay.serve(
      (answer) => this.answerHere(answer),
      (cancel) => Promise.resolve(this.cancelHere(cancel)),
    );
  }

  /**
   * Starts a run, or answers the question a paused run asked (`input_token`). Either way the
   * answer is the run's next step: its result, or a question (`status: input_required`).
   * `caller` (a user or API key id) is rate limited per SPEC §6; answers are not new runs.
   */
  async execute(
    ref: string,
    toolName: string,
    body: unknown,
    caller: string,
    listener: RunListener | null = null,
  ): Promise<ToolRunResult> {
    if (isAnswer(body)) {
      return this.answer(ref, toolName, parseOrThrow(answerBodySchema, body), caller, listener);
    }
    const { arguments: args, timeout_seconds: chosen } = parseOrThrow(runBodySchema, body ?? {});
    const limits = await this.config.get('rate_limits');
    if (chosen !== undefined && chosen > limits.tool_timeout_max_seconds) {
      const message = `must be at most ${limits.tool_timeout_max_seconds} (the rate_limits.tool_timeout_max_seconds setting)`;
      throw new DomainError('VALIDATION_FAILED', `timeout_seconds: ${message}`, [
        { field: 'timeout_seconds', message },
      ]);
    }
    this.limiter.take(caller, limits.tool_executions_per_minute, 'tool executions');
    const row = await this.registry.findRecent(ref);
    if (row.status !== 'active') {
      throw new DomainError(
        'SERVER_DISABLED',
        `status: server "${row.name}" is disabled; enable it to run tools`,
      );
    }
    this.log.debug(`running ${toolName} on ${row.name}`);
    const run = new InteractiveRun();
    const live = this.runs.open({ caller, serverId: row.id, tool: toolName });
    live.follow(listener);
    // A question the run waits on when it is cancelled is answered "cancel" for the caller,
    // and its input token no longer holds the run.
    live.onCancel = () => {
      this.paused.releaseRun(run);
      if (run.pending !== null) run.answer({ action: 'cancel' });
    };
    run.begin((input) =>
      this.metrics
        .timeTool(row.name, () =>
          this.run(row, toolName, args, input, live, chosen ?? row.timeout_seconds),
        )
        .finally(() => this.runs.close(live)),
    );
    return this.nextStep(run, row, toolName, caller, live);
  }

  /**
   * Cancels a run the caller started (its id came in the `run` event). The run ends with a
   * `cancelled` result on its own request; a run another replica holds is cancelled there.
   */
  async cancel(
    ref: string,
    toolName: string,
    runId: string,
    caller: string,
  ): Promise<ToolRunCancelAccepted> {
    const row = await this.registry.findRecent(ref);
    const request: RunCancel = { runId, caller, serverId: row.id, tool: toolName };
    const owner = this.runs.ownerOf(runId);
    if (owner !== null && owner !== this.runs.tag) {
      return this.relay.forwardCancel(owner, request, RELAY_CANCEL_TIMEOUT_MS);
    }
    return this.cancelHere(request);
  }

  /** Cancels a run this replica holds, for its own caller (received directly or relayed). */
  private cancelHere(request: RunCancel): ToolRunCancelAccepted {
    const run = this.runs.find(request.runId, request);
    if (!run) {
      throw new DomainError(
        'TOOL_RUN_NOT_FOUND',
        'run_id: no tool run of yours is under way with this id (it finished, or its replica stopped)',
      );
    }
    run.cancel('cancelled by the caller');
    return { run_id: run.id, cancelled: true };
  }

  /** The caller of a streamed run closed its stream: nobody is left to see the result. */
  abandon(runId: string): void {
    this.runs.get(runId)?.cancel('the caller closed its stream');
  }

  /**
   * The caller's answer to a paused run's question; the run goes on to its next step. A run
   * another replica holds gets the answer through the relay.
   */
  private async answer(
    ref: string,
    toolName: string,
    body: { input_token: string; input_response: ToolInputResponse },
    caller: string,
    listener: RunListener | null,
  ): Promise<ToolRunResult> {
    const row = await this.registry.findRecent(ref);
    if (listener !== null) {
      // A streamed answer follows the run from here: on this replica only (progress is not
      // relayed); an answer relayed to another replica gets the next step without progress.
      const owner = this.paused.ownerOf(body.input_token);
      if (owner === null || owner === this.paused.tag) {
        return this.answerHere(
          {
            token: body.input_token,
            caller,
            serverId: row.id,
            tool: toolName,
            response: body.input_response,
          },
          listener,
        );
      }
    }
    const answer: RunAnswer = {
      token: body.input_token,
      caller,
      serverId: row.id,
      tool: toolName,
      response: body.input_response,
    };
    const owner = this.paused.ownerOf(answer.token);
    if (owner !== null && owner !== this.paused.tag) {
      return this.relay.forward(owner, answer, row.timeout_seconds * 1_000 + RELAY_MARGIN_MS);
    }
    return this.answerHere(answer);
  }

  /** An answer for a run this replica holds, received directly or relayed. */
  private async answerHere(
    answer: RunAnswer,
    listener: RunListener | null = null,
  ): Promise<ToolRunResult> {
    const row = await this.registry.findRecent(answer.serverId);
    const run = this.paused.peek(answer.token, answer.caller, row.id, answer.tool);
    const response = answer.response;
    const question = run.pending;
    if (response.action === 'accept' && question !== null) {
      const problems = this.validator.validate(
        question.requestedSchema,
        response.content,
        'input_response.content',
      );
      if (problems.length > 0) {
        throw new DomainError(
          'VALIDATION_FAILED',
          problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          problems,
        );
      }
    }
    this.paused.release(answer.token);
    run.live?.follow(listener);
    run.answer(response);
    return this.nextStep(run, row, answer.tool, answer.caller, run.live);
  }

  /** Waits for the run's result, or parks it on its question and hands the question out. */
  private async nextStep(
    run: InteractiveRun,
    row: McpServerEntity,
    toolName: string,
    caller: string,
    live: LiveRun | null,
  ): Promise<ToolRunResult> {
    run.live = live;
    const step = await run.next();
    if ('done' in step) return step.done;
    // Nobody follows a paused run until its answer comes (with its own listener, or none).
    live?.follow(null);
    const { token, expiresAt } = this.paused.park(run, {
      caller,
      serverId: row.id,
      tool: toolName,
    });
    const paused: ToolInputRequiredResult = {
      status: 'input_required',
      server_id: row.id,
      tool: toolName,
      input_token: token,
      input_request: {
        kind: 'elicitation',
        message: step.question.message,
        requested_schema: step.question.requestedSchema,
      },
      expires_at: expiresAt.toISOString(),
    };
    return paused;
  }

  private async run(
    row: McpServerEntity,
    toolName: string,
    args: Record<string, unknown>,
    input: InputBroker,
    live: LiveRun,
    timeoutSeconds: number,
  ): Promise<RunEnd> {
    const ticket = await this.gate.admitOrThrow(row);
    try {
      return await this.runAdmitted(row, ticket, toolName, args, input, live, timeoutSeconds);
    } finally {
      ticket.release();
    }
  }

  private async runAdmitted(
    row: McpServerEntity,
    ticket: Ticket,
    toolName: string,
    args: Record<string, unknown>,
    input: InputBroker,
    live: LiveRun,
    timeoutSeconds: number,
  ): Promise<RunEnd> {
    const caps = await this.capabilities.forServer(row);
    const tool = caps?.tools.find((t) => t.name === toolName);
    if (!tool) {
      throw new DomainError('TOOL_NOT_FOUND', `tool: "${row.name}" has no tool "${toolName}"`);
    }
    const problems = this.validator.validate(tool.input_schema, args);
    if (problems.length > 0) {
      throw new DomainError(
        'TOOL_ARGUMENTS_INVALID',
        problems.map((p) => `${p.field}: ${p.message}`).join('; '),
        problems,
      );
    }
    // The session opens within the server's own timeout; the call gets the run's.
    const serverTimeoutMs = row.timeout_seconds * 1_000;
    const timeoutMs = timeoutSeconds * 1_000;
    const started = performance.now();
    live.start({
      run_id: live.id,
      server_id: row.id,
      tool: toolName,
      timeout_seconds: timeoutSeconds,
    });
    try {
      const { value } = await this.connections.run(
        this.registry.target(row),
        serverTimeoutMs,
        (s) =>
          s.callTool(toolName, args, timeoutMs, {
            input,
            onProgress: (progress) => live.progress(progress),
            signal: live.signal,
          }),
      );
      await this.feedBreaker(row, ticket, { kind: 'answered' });
      const structured = (value.structuredContent as Record<string, unknown> | undefined) ?? null;
      return {
        status: 'complete',
        server_id: row.id,
        tool: toolName,
        is_error: value.isError === true,
        content: value.content,
        structured_content: structured,
        duration_ms: elapsed(started),
        output_validation: this.checkOutput(tool, value.isError === true, structured),
      };
    } catch (error) {
      // A JSON-RPC error from the tool is the tool's answer, not an omni2 failure; a refused
      // protocol version is a failure of the exchange itself.
      if (live.cancelled || error instanceof CallCancelledError) {
        return this.cancelled(row, toolName, live, started);
      }
      if (error instanceof UpstreamRpcError && !isVersionRejected(error)) {
        await this.feedBreaker(row, ticket, { kind: 'answered' });
        return {
          status: 'complete',
          server_id: row.id,
          tool: toolName,
          is_error: true,
          content: [{ type: 'text', text: error.message }],
          structured_content: null,
          duration_ms: elapsed(started),
          error: { code: error.code, message: error.message },
          output_validation: null,
        };
      }
      const secrets = this.registry.secrets(row);
      // omni2 could not even start the call (a command no longer allowed, credentials sealed
      // under a key this replica lacks): reported like an upstream failure, never counted.
      if (error instanceof StdioCommandRefusedError || error instanceof SecretUnreadableError) {
        throw upstreamFailure(error, row.protocol, row.name, secrets);
      }
      if (isOwnFailure(error)) throw error;
      const { kind, message, needsAuthorization, scopeRefusal } = classifyError(
        error,
        row.protocol,
        secrets,
      );
      // A 403 insufficient_scope is the server answering: alive, it wants a wider token.
      const end: CallEnd = scopeRefusal
        ? { kind: 'answered' }
        : {
            kind: 'failed',
            errorKind: kind,
            needsAuthorization: needsAuthorization === true,
            timedOutAfterMs: error instanceof UpstreamTimeoutError ? error.timeoutMs : null,
            serverTimeoutMs,
          };
      const counted = await this.feedBreaker(row, ticket, end, message);
      const failure = upstreamFailure(error, row.protocol, row.name, secrets);
      if (counted) throw failure;
      throw new DomainError(
        failure.code,
        `${failure.message} (the timeout_seconds this run asked for, ${timeoutSeconds}, is shorter than the server's own ${row.timeout_seconds}: not counted against the server)`,
        undefined,
        { ...failure.details, breaker_counted: false },
      );
    }
  }

  private cancelled(
    row: McpServerEntity,
    toolName: string,
    live: LiveRun,
    started: number,
  ): ToolCancelledResult {
    this.log.debug(`${toolName} on ${row.name} cancelled: ${live.cancelReason ?? 'cancelled'}`);
    return {
      status: 'cancelled',
      server_id: row.id,
      tool: toolName,
      run_id: live.id,
      reason: live.cancelReason ?? 'cancelled',
      duration_ms: elapsed(started),
    };
  }

  /**
   * The verdict on a result against the tool's `outputSchema` (MCP 2025-06-18 and later: a tool
   * that declares one must return conforming structured content). Reported, never enforced: the
   * operator sees what the server sent and what is wrong with it.
   */
  private checkOutput(
    tool: ToolView,
    isError: boolean,
    structured: Record<string, unknown> | null,
  ): ToolExecutionResult['output_validation'] {
    if (!tool.output_schema || isError) return null;
    if (structured === null) {
      return {
        valid: false,
        errors: [
          {
            field: 'structured_content',
            message: 'is missing: the tool declares an output schema',
          },
        ],
      };
    }
    const errors = this.validator.validate(tool.output_schema, structured, 'structured_content');
    return { valid: errors.length === 0, errors };
  }

  /**
   * The server answered (whatever the tool said) or the call failed on the way: breaker input,
   * by the rule of breaker-fairness.ts. True when the call was counted.
   */
  private async feedBreaker(
    row: McpServerEntity,
    ticket: Ticket,
    end: CallEnd,
    error = '',
  ): Promise<boolean> {
    const input = breakerInput(end);
    if (input === 'not_counted') return false;
    const outcome: CallOutcome =
      input === 'success' || end.kind !== 'failed'
        ? { ok: true }
        : {
            ok: false,
            errorKind: end.errorKind,
            error,
            needsAuthorization: end.needsAuthorization === true,
          };
    // The call's own answer matters more than bookkeeping: a failed write is logged, not thrown.
    await this.checks
      .recordCall(row, ticket, outcome)
      .catch((e: unknown) => this.log.error(`breaker update for ${row.name} failed: ${String(e)}`));
    return true;
  }
}

/** omni2's own refusals (DomainError) and limits (a RangeError such as a stack overflow). */
function isOwnFailure(error: unknown): boolean {
  return error instanceof DomainError || error instanceof RangeError;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
