import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ProbeMethod } from '@omni2/contracts';
import { fetchLists, type ListPage } from './capability-views';
import { type ConnectionTarget, fingerprint } from './connection-target';
import { withDeadline } from './deadline';
import { ProcessExitedError, isMethodNotFound } from './error-classifier';
import type { CapabilityLists, McpSession, SessionHooks } from './mcp-session';
import { CLIENT_INFO } from './client-info';
import { scrubSecrets, secretsOf } from './secret-scrub';
import { endInBackground } from './session-ends';
import { createTransport } from './transport-factory';

const STDERR_TAIL_LINES = 20;
const END_SESSION_TIMEOUT_MS = 2_000;

/**
 * A session through the SDK's `Client`: stdio and legacy SSE servers, and Streamable HTTP when
 * OMNI2_STREAMABLE_HTTP_CLIENT=sdk.
 */
export class SdkMcpSession implements McpSession {
  readonly fingerprint: string;
  listsChanged = false;
  private closed = false;
  /** The connection ended without omni2 closing it (for stdio: the process exited). */
  private lost = false;
  private closing: Promise<void> | null = null;
  private readonly stderrTail: string[] = [];

  private constructor(
    readonly target: ConnectionTarget,
    private readonly client: Client,
    private readonly transport: Transport,
  ) {
    this.fingerprint = fingerprint(target);
  }

  /** Connects and runs MCP initialize, bounded by `timeoutMs` end to end. */
  static async open(
    target: ConnectionTarget,
    timeoutMs: number,
    hooks: SessionHooks,
  ): Promise<SdkMcpSession> {
    const transport = createTransport(target);
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const session = new SdkMcpSession(target, client, transport);
    session.watch(hooks);
    try {
      await withDeadline(client.connect(transport, { timeout: timeoutMs }), timeoutMs, 'connect');
    } catch (error) {
      const explained = session.explain(error);
      // Closing a stdio child that ignores its stdin takes seconds (SIGTERM, then SIGKILL): the
      // caller has its answer now, the close finishes in the background (shutdown waits for it).
      endInBackground(() => session.close());
      throw explained;
    }
    return session;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get serverInfo(): { name: string; version: string } | null {
    const info = this.client.getServerVersion();
    return info ? { name: info.name, version: info.version } : null;
  }

  async ping(timeoutMs: number): Promise<ProbeMethod> {
    try {
      await this.request(this.client.ping({ timeout: timeoutMs }), timeoutMs, 'ping');
      return 'ping';
    } catch (error) {
      if (!isMethodNotFound(error)) throw error;
    }
    if (!this.client.getServerCapabilities()?.tools) return 'none';
    await this.request(
      this.client.listTools(undefined, { timeout: timeoutMs }),
      timeoutMs,
      'tools/list',
    );
    return 'tools_list';
  }

  async listCapabilities(timeoutMs: number): Promise<CapabilityLists> {
    this.listsChanged = false;
    // The SDK's own list calls, not a generic request: listTools also primes the client's
    // output-schema validation for callTool.
    const lists = await fetchLists(this.client.getServerCapabilities() ?? {}, (method, params) => {
      const options = { timeout: timeoutMs };
      const work: ReturnType<ListPage> =
        method === 'tools/list'
          ? this.client.listTools(params, options)
          : method === 'prompts/list'
            ? this.client.listPrompts(params, options)
            : this.client.listResources(params, options);
      return this.request(work, timeoutMs, method);
    });
    return {
      ...lists,
      server_info: this.serverInfo,
      protocol_version: this.protocolVersion(),
    };
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CallToolResult> {
    const result = await this.request(
      this.client.callTool({ name, arguments: args }, undefined, { timeout: timeoutMs }),
      timeoutMs,
      `tools/call ${name}`,
    );
    return result as CallToolResult;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.endSession().then(() => this.client.close().catch(() => undefined));
    await this.closing;
  }

  /** A Streamable HTTP server is told the session is over (DELETE), as the lean session does. */
  private async endSession(): Promise<void> {
    if (!(this.transport instanceof StreamableHTTPClientTransport)) return;
    if (this.transport.sessionId === undefined) return;
    await withDeadline(
      this.transport.terminateSession(),
      END_SESSION_TIMEOUT_MS,
      'end session',
    ).catch(() => undefined);
  }

  private protocolVersion(): string | null {
    const transport = this.transport as { protocolVersion?: string };
    return transport.protocolVersion ?? null;
  }

  /** The SDK has its own timeout; the deadline also bounds a transport that never sends. */
  private async request<T>(work: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
    try {
      return await withDeadline(work, timeoutMs + 250, operation);
    } catch (error) {
      throw this.explain(error);
    }
  }

  /** A stdio request that failed because the process went away says so, with its last words. */
  private explain(error: unknown): unknown {
    if (this.target.protocol !== 'stdio' || !this.lost) return error;
    // Scrubbed before it is cut, so a secret straddling the cut cannot leak in part.
    const tail = scrubSecrets(this.stderrTail.join('\n').trim(), secretsOf(this.target));
    const base = error instanceof Error ? error.message : String(error);
    return new ProcessExitedError(tail ? `${base}; process stderr: ${tail.slice(-1_000)}` : base);
  }

  private watch(hooks: SessionHooks): void {
    this.client.onclose = () => {
      if (!this.closed) this.lost = true;
      this.closed = true;
      hooks.onClosed(this);
    };
    const changed = () => {
      this.listsChanged = true;
      hooks.onListChanged(this);
    };
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, changed);
    this.client.setNotificationHandler(PromptListChangedNotificationSchema, changed);
    this.client.setNotificationHandler(ResourceListChangedNotificationSchema, changed);
    if (this.transport instanceof StdioClientTransport) {
      // Drained so a chatty child never blocks on a full pipe; the tail explains crashes.
      this.transport.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_TAIL_LINES));
      });
    }
  }
}
