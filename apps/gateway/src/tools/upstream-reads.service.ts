import { Injectable } from '@nestjs/common';
import type { PromptGetResult, ResourceReadResult } from '@omni2/contracts';
import { z } from 'zod';
import { CallRateLimiter } from '../auth/call-rate-limiter';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { ConnectionManager } from '../connections/connection-manager';
import { UpstreamRpcError } from '../connections/error-classifier';
import type { McpSession } from '../connections/mcp-session';
import { upstreamFailure } from '../connections/upstream-failure';
import { CircuitGate } from '../breaker/circuit-gate';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryService } from '../registry/registry.service';

export const readBodySchema = z.object({ uri: z.string().min(1).max(2_048) }).strict();
export const promptBodySchema = z
  .object({ arguments: z.record(z.string(), z.string().max(100_000)).default({}) })
  .strict();

/**
 * Reads a resource or renders a prompt on an operator's behalf, as MCP Inspector does. These are
 * the operator browsing, not evidence about the server: they pass the circuit gate but never
 * move the breaker.
 */
@Injectable()
export class UpstreamReadsService {
  constructor(
    private readonly registry: RegistryService,
    private readonly connections: ConnectionManager,
    private readonly gate: CircuitGate,
    private readonly limiter: CallRateLimiter,
    private readonly config: RuntimeConfigService,
  ) {}

  async readResource(ref: string, body: unknown, caller: string): Promise<ResourceReadResult> {
    const { uri } = parseOrThrow(readBodySchema, body ?? {});
    const started = performance.now();
    const row = await this.admit(ref, caller);
    const { contents } = await this.onSession(row, `resource ${uri}`, (s, timeoutMs) =>
      s.readResource(uri, timeoutMs),
    );
    return {
      server_id: row.id,
      uri,
      contents: contents as ResourceReadResult['contents'],
      duration_ms: elapsed(started),
    };
  }

  async getPrompt(
    ref: string,
    prompt: string,
    body: unknown,
    caller: string,
  ): Promise<PromptGetResult> {
    const { arguments: args } = parseOrThrow(promptBodySchema, body ?? {});
    const started = performance.now();
    const row = await this.admit(ref, caller);
    const result = await this.onSession(row, `prompt ${prompt}`, (s, timeoutMs) =>
      s.getPrompt(prompt, args, timeoutMs),
    );
    return {
      server_id: row.id,
      prompt,
      description: result.description ?? null,
      messages: result.messages as PromptGetResult['messages'],
      duration_ms: elapsed(started),
    };
  }

  private async admit(ref: string, caller: string): Promise<McpServerEntity> {
    const limits = await this.config.get('rate_limits');
    this.limiter.take(caller, limits.tool_executions_per_minute, 'tool executions');
    const row = await this.registry.findRecent(ref);
    if (row.status !== 'active') {
      throw new DomainError('SERVER_DISABLED', `status: server "${row.name}" is disabled`);
    }
    return row;
  }

  private async onSession<T>(
    row: McpServerEntity,
    what: string,
    work: (session: McpSession, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const ticket = await this.gate.admitOrThrow(row);
    const timeoutMs = row.timeout_seconds * 1_000;
    try {
      const { value } = await this.connections.run(this.registry.target(row), timeoutMs, (s) =>
        work(s, timeoutMs),
      );
      return value;
    } catch (error) {
      if (error instanceof UpstreamRpcError) {
        // The server refused the request itself (an unknown URI or prompt, bad arguments).
        throw new DomainError(
          'UPSTREAM_UNAVAILABLE',
          `"${row.name}" refused to give the ${what}: ${error.message}`,
          undefined,
          { rpc_code: error.code },
        );
      }
      if (error instanceof DomainError) throw error;
      throw upstreamFailure(error, row.protocol, row.name, this.registry.secrets(row));
    } finally {
      ticket.release();
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
