import type { FieldError } from './error-codes';

/** JSON Schema as received from an upstream server; opaque to omni2 beyond validation. */
export type JsonSchema = { [key: string]: unknown };

export interface ToolView {
  name: string;
  title?: string;
  description?: string;
  input_schema: JsonSchema;
  output_schema?: JsonSchema;
}

export interface PromptView {
  name: string;
  title?: string;
  description?: string;
  arguments: { name: string; description?: string; required?: boolean }[];
}

export interface ResourceView {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mime_type?: string;
}

/**
 * The caching hint a 2026-07-28 server put on its lists (`ttlMs`, `cacheScope`), combined over
 * every list and page: the shortest lifetime, and private when any part is private.
 */
export interface CacheHintView {
  ttl_ms: number;
  scope: 'public' | 'private';
}

export interface CapabilitiesView {
  server_id: string;
  name: string;
  tools: ToolView[];
  prompts: PromptView[];
  resources: ResourceView[];
  /** When omni2 last fetched these lists from the server; null when never fetched. */
  cached_at: string | null;
  server_info: { name: string; version: string } | null;
  protocol_version: string | null;
  /** The server's own caching hint for these lists; null when it gave none (2025 servers). */
  cache_hint: CacheHintView | null;
}

export interface ToolContentItem {
  type: string;
  [key: string]: unknown;
}

export interface ToolExecutionResult {
  status: 'complete';
  server_id: string;
  tool: string;
  /** True when the upstream tool reported an error in its result (MCP `isError`). */
  is_error: boolean;
  content: ToolContentItem[];
  structured_content: Record<string, unknown> | null;
  duration_ms: number;
  /** Present when the upstream answered with a JSON-RPC error instead of a tool result. */
  error?: { code: number; message: string };
  /**
   * The structured content checked against the tool's `outputSchema`: `valid`, or the fields
   * that break it (`structured_content.<path>`). Null when the tool declares no output schema
   * or the result is a tool error.
   */
  output_validation: { valid: boolean; errors: FieldError[] } | null;
}

/** One part of a resource: MCP text or blob (base64) resource contents. */
export interface ResourceContentsItem {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  [key: string]: unknown;
}

/** A resource's contents as the server sent them (`resources/read`). */
export interface ResourceReadResult {
  server_id: string;
  uri: string;
  contents: ResourceContentsItem[];
  duration_ms: number;
}

/** A prompt rendered with arguments (`prompts/get`). */
export interface PromptGetResult {
  server_id: string;
  prompt: string;
  description: string | null;
  messages: { role: string; content: ToolContentItem }[];
  duration_ms: number;
}

/** A question the server asked during a tool run (MCP elicitation, form mode). */
export interface ToolInputRequest {
  kind: 'elicitation';
  message: string;
  /** A flat JSON Schema object: the form's fields, with their titles, enums and defaults. */
  requested_schema: JsonSchema;
}

/**
 * The tool run is paused on a question. Answer it with a second
 * `POST /mcp/servers/:id/tools/:tool/execute` carrying `{ input_token, input_response }`; the
 * answer gets the run's next step (the result, or the next question).
 */
export interface ToolInputRequiredResult {
  status: 'input_required';
  server_id: string;
  tool: string;
  input_token: string;
  input_request: ToolInputRequest;
  /** After this the question is answered with "cancel" on the caller's behalf. */
  expires_at: string;
}

export type ToolInputResponse =
  | { action: 'accept'; content: Record<string, string | number | boolean | string[]> }
  | { action: 'decline' }
  | { action: 'cancel' };

/**
 * The run was cancelled before the server answered (the caller's Cancel, or the caller closed
 * its event stream); the server was told. Never counted against the server's circuit breaker.
 */
export interface ToolCancelledResult {
  status: 'cancelled';
  server_id: string;
  tool: string;
  run_id: string;
  /** Who or what cancelled it, for people. */
  reason: string;
  duration_ms: number;
}

/** What a tool execution request answers: the result, a question first, or its cancellation. */
export type ToolRunResult = ToolExecutionResult | ToolInputRequiredResult | ToolCancelledResult;
