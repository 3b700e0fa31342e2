import type { CallToolResult } from '@modelcontextprotocol/client';
import type {
  CacheHintView,
  ProbeMethod,
  PromptView,
  ProtocolEra,
  ResourceView,
  ToolRunProgress,
  ToolView,
} from '@omni2/contracts';
import type { ConnectionTarget } from './connection-target';
import type { InputBroker } from './tool-input';

export interface CapabilityLists {
  tools: ToolView[];
  prompts: PromptView[];
  resources: ResourceView[];
  server_info: { name: string; version: string } | null;
  protocol_version: string | null;
  cache_hint: CacheHintView | null;
}

/** What a caller can do with a tool call besides waiting for it. */
export interface ToolCallOptions {
  /** Who answers the server's questions during the call (elicitation forms). */
  input?: InputBroker;
  /**
   * Asks the server for progress (a `progressToken` in the request's `_meta`) and gets each
   * `notifications/progress` it sends for this call.
   */
  onProgress?: (progress: ToolRunProgress) => void;
  /**
   * Cancels the call: the server is told (2025 and stdio: `notifications/cancelled` with the
   * request id; 2026-07-28 Streamable HTTP: the request's stream is closed) and the call rejects
   * with CallCancelledError.
   */
  signal?: AbortSignal;
}

/** The progress a `notifications/progress` reports, or null when it is not a valid one. */
export function progressOf(params: unknown): ToolRunProgress | null {
  const p = params as { progress?: unknown; total?: unknown; message?: unknown } | undefined;
  if (typeof p?.progress !== 'number' || !Number.isFinite(p.progress)) return null;
  return {
    progress: p.progress,
    total: typeof p.total === 'number' && Number.isFinite(p.total) ? p.total : null,
    message: typeof p.message === 'string' ? p.message.slice(0, 1_000) : null,
  };
}

export interface SessionHooks {
  onClosed(session: McpSession): void;
  onListChanged(session: McpSession): void;
  /** Something about the server an operator should know that is not a failure. */
  onWarning?(message: string): void;
}

/**
 * One live MCP session to one upstream server, whatever the transport and protocol era behind
 * it (SPEC §10). A modern (2026-07-28) "session" is the URL, the version and the server's
 * capabilities; a legacy one is an initialized MCP session. Callers ask the session, never the era.
 */
export interface McpSession {
  readonly target: ConnectionTarget;
  readonly fingerprint: string;
  /** Set when the server announced a list change; the next check refetches capabilities. */
  listsChanged: boolean;
  readonly isOpen: boolean;
  readonly serverInfo: { name: string; version: string } | null;
  readonly era: ProtocolEra;
  readonly protocolVersion: string | null;
  /**
   * True while the server can tell omni2 that its lists changed: a 2025 server's notification
   * stream (or stdio pipe) when it announces `listChanged`, a 2026-07-28 `subscriptions/listen`
   * stream. Without one, a modern server's lists are refetched when its cache hint expires.
   */
  readonly listening: boolean;
  /**
   * Liveness per SPEC §2 and §10: `server/discover` for a modern server; MCP ping for a legacy
   * one, where a server that does not implement ping (method not found) is alive, and tools/list
   * confirms it where the server has tools.
   */
  ping(timeoutMs: number): Promise<ProbeMethod>;
  listCapabilities(timeoutMs: number): Promise<CapabilityLists>;
  /**
   * Runs a tool. A server that needs input meanwhile (an elicitation form) is answered through
   * `options.input`; time spent waiting on it does not count against `timeoutMs`. Progress and
   * cancellation: see ToolCallOptions.
   */
  callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    options?: ToolCallOptions,
  ): Promise<CallToolResult>;
  /** `resources/read`: the resource's contents as the server sends them. */
  readResource(uri: string, timeoutMs: number): Promise<{ contents: unknown[] }>;
  /** `prompts/get`: the prompt rendered with `args`. */
  getPrompt(
    name: string,
    args: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ description?: string; messages: unknown[] }>;
  close(): Promise<void>;
}
