/**
 * Live tool runs (SPEC §5 tool execution, streamed). A caller that asks for `text/event-stream`
 * gets the run as Server-Sent Events: `run` first (its id, for cancelling), then `progress` as
 * the server reports it, then one `result` (the body a JSON caller gets) or one `error` (the
 * body of the HTTP error a JSON caller gets).
 */

/** `event: run`: the run has reached the server; cancel it with this id. */
export interface ToolRunStartedEvent {
  run_id: string;
  server_id: string;
  tool: string;
  /** The timeout that applies to this run, in seconds (chosen, or the server's own). */
  timeout_seconds: number;
}

/** `event: progress`: MCP `notifications/progress` as the server sent it. */
export interface ToolRunProgress {
  /** Grows with every notification; a count when `total` is null. */
  progress: number;
  total: number | null;
  message: string | null;
}

/** The answer of `POST /mcp/servers/:id/tools/:tool/runs/:run_id/cancel`. */
export interface ToolRunCancelAccepted {
  run_id: string;
  /** The run's stream (or JSON answer) ends with a `cancelled` result. */
  cancelled: true;
}

/** The SSE event names of a streamed tool run, in the order they come. */
export const TOOL_RUN_EVENTS = ['run', 'progress', 'result', 'error'] as const;
export type ToolRunEventName = (typeof TOOL_RUN_EVENTS)[number];
