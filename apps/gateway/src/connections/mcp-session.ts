import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  type Prompt,
  PromptListChangedNotificationSchema,
  type Resource,
  ResourceListChangedNotificationSchema,
  type Tool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ProbeMethod, PromptView, ResourceView, ToolView } from '@omni2/contracts';
import { type ConnectionTarget, fingerprint } from './connection-target';
import { withDeadline } from './deadline';
import { ProcessExitedError, isMethodNotFound } from './error-classifier';
import { createTransport } from './transport-factory';

const CLIENT_INFO = { name: 'omni2', version: '0.1.0' };
const MAX_LIST_PAGES = 50;
const STDERR_TAIL_LINES = 20;

export interface CapabilityLists {
  tools: ToolView[];
  prompts: PromptView[];
  resources: ResourceView[];
  server_info: { name: string; version: string } | null;
  protocol_version: string | null;
}

export interface SessionHooks {
  onClosed(session: McpSession): void;
  onListChanged(session: McpSession): void;
}

/** One live MCP session to one upstream server. */
export class McpSession {
  readonly fingerprint: string;
  /** Set when the server announced a list change; the next check refetches capabilities. */
  listsChanged = false;
  private closed = false;
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
  ): Promise<McpSession> {
    const transport = createTransport(target);
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const session = new McpSession(target, client, transport);
    session.watch(hooks);
    try {
      await withDeadline(client.connect(transport, { timeout: timeoutMs }), timeoutMs, 'connect');
    } catch (error) {
      await session.close();
      throw session.explain(error);
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

  /**
   * Liveness per SPEC §2: MCP ping; a server that does not implement ping (method not found)
   * is alive, and tools/list confirms it where the server has tools.
   */
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
    const caps = this.client.getServerCapabilities() ?? {};
    this.listsChanged = false;
    const [tools, prompts, resources] = await Promise.all([
      caps.tools ? this.allTools(timeoutMs) : Promise.resolve([]),
      caps.prompts ? this.allPrompts(timeoutMs) : Promise.resolve([]),
      caps.resources ? this.allResources(timeoutMs) : Promise.resolve([]),
    ]);
    return {
      tools,
      prompts,
      resources,
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
    this.closing ??= this.client.close().catch(() => undefined);
    await this.closing;
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

  private explain(error: unknown): unknown {
    if (this.target.protocol !== 'stdio' || !this.closed) return error;
    const tail = this.stderrTail.join('\n').trim();
    const base = error instanceof Error ? error.message : String(error);
    return new ProcessExitedError(tail ? `${base}; process stderr: ${tail.slice(-1_000)}` : base);
  }

  private watch(hooks: SessionHooks): void {
    this.client.onclose = () => {
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

  private allTools(timeoutMs: number): Promise<ToolView[]> {
    return this.paginate(
      (params, options) => this.client.listTools(params, options),
      (res) => res.tools.map(toToolView),
      timeoutMs,
      'tools/list',
    );
  }

  private allPrompts(timeoutMs: number): Promise<PromptView[]> {
    return this.paginate(
      (params, options) => this.client.listPrompts(params, options),
      (res) => res.prompts.map(toPromptView),
      timeoutMs,
      'prompts/list',
    );
  }

  private allResources(timeoutMs: number): Promise<ResourceView[]> {
    return this.paginate(
      (params, options) => this.client.listResources(params, options),
      (res) => res.resources.map(toResourceView),
      timeoutMs,
      'resources/list',
    );
  }

  private async paginate<R extends { nextCursor?: string }, T>(
    list: (params: { cursor: string } | undefined, options: { timeout: number }) => Promise<R>,
    items: (res: R) => T[],
    timeoutMs: number,
    operation: string,
  ): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const params = cursor ? { cursor } : undefined;
      const res = await this.request(list(params, { timeout: timeoutMs }), timeoutMs, operation);
      out.push(...items(res));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return out;
  }
}

function toToolView(t: Tool): ToolView {
  return {
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    ...(t.description ? { description: t.description } : {}),
    input_schema: t.inputSchema,
    ...(t.outputSchema ? { output_schema: t.outputSchema } : {}),
  };
}

function toPromptView(p: Prompt): PromptView {
  return {
    name: p.name,
    ...(p.title ? { title: p.title } : {}),
    ...(p.description ? { description: p.description } : {}),
    arguments: (p.arguments ?? []).map((a) => ({
      name: a.name,
      ...(a.description ? { description: a.description } : {}),
      ...(a.required !== undefined ? { required: a.required } : {}),
    })),
  };
}

function toResourceView(r: Resource): ResourceView {
  return {
    uri: r.uri,
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.mimeType ? { mime_type: r.mimeType } : {}),
  };
}
