import type { ErrorKind, HealthStatus } from './statuses';

/**
 * How liveness was established: `server/discover` (2026-07-28 servers, which have no ping), a
 * real ping, or tools/list when a 2025 server refuses ping.
 */
export type ProbeMethod = 'discover' | 'ping' | 'tools_list' | 'none';

export interface HealthCheckResult {
  server_id: string;
  name: string;
  ok: boolean;
  response_time_ms: number | null;
  error: string | null;
  error_kind: ErrorKind | null;
  probe: ProbeMethod;
  checked_at: string;
  health_status: HealthStatus;
  consecutive_failures: number;
}

export interface BulkHealthCheckResult {
  checked: number;
  healthy: number;
  failed: number;
  /** Active servers not checked because their circuit is open (checked when the period ends). */
  skipped_circuit_open: number;
  results: HealthCheckResult[];
}
