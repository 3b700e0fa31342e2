import type { RuntimeConfigKey } from './runtime-config';
import type { McpServerView } from './server-view';
import type { CircuitState, ErrorKind, HealthStatus } from './statuses';

/** SPEC §4 event types, each emitted under its own name. */
export const EVENT_TYPES = [
  'mcp_status_change',
  'circuit_breaker_state',
  'mcp_auto_disabled',
  'recovery_progress',
  'mcp_health_check',
  'critical_alert',
  'mcp_config_changed',
  'capabilities_changed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type Severity = 'info' | 'warning' | 'error' | 'critical';

export interface McpStatusChangeData {
  old_status: HealthStatus;
  new_status: HealthStatus;
  reason: string;
  /** When the next recovery attempt is due (ISO), if the server is down. */
  recovery_eta: string | null;
}

export interface CircuitBreakerStateData {
  old_state: CircuitState;
  new_state: CircuitState;
  consecutive_failures: number;
  failure_cycles: number;
  next_attempt_at: string | null;
}

export interface McpAutoDisabledData {
  reason: string;
  failure_cycles: number;
  downtime_seconds: number;
}

export interface RecoveryProgressData {
  successes: number;
  required: number;
}

export interface McpHealthCheckData {
  ok: boolean;
  response_time_ms: number | null;
  error: string | null;
  error_kind: ErrorKind | null;
  consecutive_failures: number;
  health_status: HealthStatus;
}

export interface CriticalAlertData {
  reason: string;
  count: number;
  window_seconds: number;
}

/**
 * A registration or a runtime setting changed. For servers, `server` is the new view (null when
 * deleted), so consoles update the row in place; viewers get it without connection details.
 */
export type McpConfigChangedData =
  | { key: 'server'; action: 'created' | 'updated' | 'deleted'; server: McpServerView | null }
  | { key: RuntimeConfigKey; action: 'updated'; server: null };

export interface CapabilitiesChangedData {
  tools: number;
  prompts: number;
  resources: number;
}

export interface EventDataMap {
  mcp_status_change: McpStatusChangeData;
  circuit_breaker_state: CircuitBreakerStateData;
  mcp_auto_disabled: McpAutoDisabledData;
  recovery_progress: RecoveryProgressData;
  mcp_health_check: McpHealthCheckData;
  critical_alert: CriticalAlertData;
  mcp_config_changed: McpConfigChangedData;
  capabilities_changed: CapabilitiesChangedData;
}

/** The envelope every event travels in (stream, socket, polling). */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  timestamp: string;
  server_id: string | null;
  mcp_name: string | null;
  severity: Severity;
  data: EventDataMap[T];
}

/** An event before the stream assigns its id and timestamp. */
export type NewEvent<T extends EventType = EventType> = Omit<EventEnvelope<T>, 'id' | 'timestamp'>;
