import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ProbeMethod, PromptView, ResourceView, ToolView } from '@omni2/contracts';
import type { ConnectionTarget } from './connection-target';

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

/** One live MCP session to one upstream server, whatever the transport behind it. */
export interface McpSession {
  readonly target: ConnectionTarget;
  readonly fingerprint: string;
  /** Set when the server announced a list change; the next check refetches capabilities. */
  listsChanged: boolean;
  readonly isOpen: boolean;
  readonly serverInfo: { name: string; version: string } | null;
  /**
   * Liveness per SPEC §2: MCP ping; a server that does not implement ping (method not found)
   * is alive, and tools/list confirms it where the server has tools.
   */
  ping(timeoutMs: number): Promise<ProbeMethod>;
  listCapabilities(timeoutMs: number): Promise<CapabilityLists>;
  callTool(name: string, args: Record<string, unknown>, timeoutMs: number): Promise<CallToolResult>;
  close(): Promise<void>;
}
