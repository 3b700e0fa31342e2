import type {
  AuthType,
  CircuitState,
  DisabledReason,
  ErrorKind,
  HealthStatus,
  OAuthGrant,
  Protocol,
  ProtocolEra,
  ServerStatus,
} from './statuses';

/** Shown instead of any stored secret value. */
export const REDACTED = '***';

export interface CapabilityCounts {
  tools: number;
  prompts: number;
  resources: number;
}

/** What every API returns for a registered server. Secrets are always `REDACTED`. */
export interface McpServerView {
  id: string;
  name: string;
  description: string | null;
  protocol: Protocol;
  /**
   * SPEC §10: `modern` (2026-07-28) or `legacy` (2025 revisions), as negotiated at the last
   * successful contact; null before one (or after the connection settings changed).
   */
  protocol_era: ProtocolEra | null;
  /** The revision negotiated then, e.g. `2026-07-28` or `2025-11-25`. */
  protocol_version: string | null;
  url: string | null;
  command: string | null;
  args: string[];
  /** Variable names with values redacted: stdio env may carry credentials. */
  env: Record<string, typeof REDACTED>;
  cwd: string | null;
  timeout_seconds: number;
  auth_type: AuthType;
  /** The OAuth grant of an `oauth` server (not a secret), else null. */
  oauth_grant: OAuthGrant | null;
  /** `"***"` when credentials are stored, null when there are none: secrets are never returned. */
  auth_config: typeof REDACTED | null;
  status: ServerStatus;
  disabled_reason: DisabledReason | null;
  health_status: HealthStatus;
  circuit_state: CircuitState;
  consecutive_failures: number;
  failure_cycles: number;
  last_health_check: string | null;
  last_success_at: string | null;
  last_response_time_ms: number | null;
  last_error: string | null;
  last_error_kind: ErrorKind | null;
  last_recovery_attempt: string | null;
  next_check_at: string | null;
  /** Downtime of the outages that ended (circuit open to closed or disabled). */
  total_downtime_seconds: number;
  /** Start of the outage going on (the circuit first opened), null while up. */
  down_since: string | null;
  error_count: number;
  capabilities: CapabilityCounts | null;
  created_at: string;
  updated_at: string;
}

export interface McpServerList {
  items: McpServerView[];
  total: number;
}

/**
 * What a viewer sees of a server: everything but the connection details, which can carry
 * credentials (tokens in URL paths or queries, stdio arguments and environment names). The URL
 * keeps its origin so a viewer still knows where the server lives.
 */
export function viewerServerView(view: McpServerView): McpServerView {
  return {
    ...view,
    url: view.url === null ? null : originOf(view.url),
    args: [],
    env: {},
    cwd: null,
    last_error:
      view.last_error === null ? null : viewerErrorText(view.last_error_kind, view.last_error),
  };
}

/** Each error kind in plain words (for viewers' texts and the console). */
export const ERROR_KIND_TEXT: Readonly<Record<ErrorKind, string>> = {
  unreachable: 'no connection to the server',
  timeout: 'no answer within the timeout',
  auth: 'the server refused the credentials',
  protocol: 'the answer was not valid MCP',
  process_exit: 'the server process ended',
};

/**
 * An upstream error as a viewer sees it: its kind and HTTP status only. Upstream error texts
 * (a process's stderr, an error page) can carry what viewers must not see, whatever was scrubbed.
 */
export function viewerErrorText(kind: ErrorKind | null, text: string): string {
  if (kind === null) return 'the check failed';
  const status = /\bHTTP (\d{3})\b/.exec(text)?.[1];
  return `${kind}: ${ERROR_KIND_TEXT[kind]}${status ? ` (HTTP ${status})` : ''}`;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return REDACTED;
  }
}
