import type { ProbeMethod } from './health-check';
import type { ErrorKind, ProtocolEra } from './statuses';

/**
 * The steps of `POST /mcp/servers/test-connection`, in order:
 * - `connect`: reach the server (open the HTTP connection, start the stdio process);
 * - `handshake`: negotiate the protocol era (`server/discover`, then the 2025 `initialize`);
 * - `ping`: the liveness probe a health check sends (`server/discover` or MCP `ping`);
 * - `list`: `tools/list`, plus prompts and resources where the server announces them;
 * - `done`: every step passed.
 * A failure while the session opens is `connect` when nothing answered (`unreachable`,
 * `process_exit`) and `handshake` when something answered but not as an MCP server omni2 can use
 * (`auth`, `protocol`, `timeout`).
 */
export const CONNECTION_TEST_STAGES = ['connect', 'handshake', 'ping', 'list', 'done'] as const;
export type ConnectionTestStage = (typeof CONNECTION_TEST_STAGES)[number];

/**
 * What a connection test found. Nothing is saved, published or counted by the breaker; secrets
 * from the body (auth_config, env values, URL credentials) never appear in it.
 */
export interface ConnectionTestResult {
  /** Every stage passed: registered as it is, this server would check as healthy. */
  ok: boolean;
  /** The stage that failed, or `done` when `ok`. */
  stage: ConnectionTestStage;
  /** Which layer failed (as in `last_error_kind`); null when `ok`. */
  error_kind: ErrorKind | null;
  /** The failure as text, secrets cut out (as in `last_error`); null when `ok`. */
  error: string | null;
  /** Negotiated era and revision; null when the handshake did not finish. */
  protocol_era: ProtocolEra | null;
  protocol_version: string | null;
  /** What the server calls itself in its handshake answer; null when it said nothing. */
  server_info: { name: string; version: string } | null;
  /** How liveness was established; null when the ping stage was not reached. */
  probe: ProbeMethod | null;
  /** Counts from the list stage; null when it was not reached. */
  tools: number | null;
  prompts: number | null;
  resources: number | null;
  /** Tool names, first 100, in the server's order. */
  tool_names: string[];
  /** Round trip of the liveness probe alone (comparable to a health check's); null if not reached. */
  response_time_ms: number | null;
  /** The whole test, from connect to the end of the last stage run. */
  duration_ms: number;
}

/** `GET /mcp/stdio-allowlist`: the commands stdio servers may run (OMNI2_STDIO_ALLOWLIST). */
export interface StdioAllowlistView {
  /** Exactly as the setting names them; empty means stdio servers are off. */
  commands: string[];
}
