import type { ErrorKind, HealthStatus } from './statuses';

export const HEALTH_LOG_EVENT_TYPES = [
  'health_check',
  'connected',
  'disconnected',
  'recovery_attempt',
  'recovery_success',
  'circuit_opened',
  'circuit_closed',
  'manually_disabled',
  'manually_enabled',
  'auto_disabled',
] as const;
export type HealthLogEventType = (typeof HEALTH_LOG_EVENT_TYPES)[number];

export interface HealthLogEntry {
  id: string;
  server_id: string;
  event_type: HealthLogEventType;
  /** The server's health_status after the event. */
  status: HealthStatus;
  response_time_ms: number | null;
  error_message: string | null;
  error_kind: ErrorKind | null;
  created_at: string;
}

export interface HealthLogPage {
  items: HealthLogEntry[];
  /** Pass as `before` to get the next (older) page; null at the end. */
  next_cursor: string | null;
}

export const UPTIME_WINDOWS = ['24h', '7d', '30d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];

export interface UptimeView {
  server_id: string;
  window: UptimeWindow;
  from: string;
  to: string;
  /** Successful checks / checks in the window; null when there was no check. */
  uptime_percent: number | null;
  checks: number;
  successful_checks: number;
  mean_response_time_ms: number | null;
  p95_response_time_ms: number | null;
  /** Seconds with the circuit open (or until auto-disable) within the window. */
  downtime_seconds: number;
  /** How the figures count time that was never checked or disabled. */
  method: string;
  /** SPEC §12: maintenance windows in this window, and whether their time is counted. */
  maintenance: {
    counted: boolean;
    /** Checks left out because a window covered them (0 when counted). */
    excluded_checks: number;
    /** Seconds of maintenance within the window (covering this server). */
    seconds: number;
  };
}
