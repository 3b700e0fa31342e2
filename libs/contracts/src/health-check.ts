import type { ErrorKind, HealthStatus } from './statuses';

/** How liveness was established: a real ping, or tools/list when the server refuses ping. */
export type ProbeMethod = 'ping' | 'tools_list' | 'none';

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
