import type { McpServerView } from './server-view';
import type { CircuitState, HealthStatus } from './statuses';

/**
 * One vocabulary for a server's health, used by API messages, the console's badges, toasts,
 * tooltips and settings help. `unhealthy` is a half-open circuit: the server is recovering.
 */
export const HEALTH_STATUS_LABEL: Readonly<Record<HealthStatus, string>> = {
  unknown: 'unknown',
  healthy: 'healthy',
  unhealthy: 'recovering',
  circuit_open: 'circuit open',
  disabled: 'disabled',
  auth_required: 'authorization needed',
};

/** What each status means, in a sentence (tooltips, help). */
export const HEALTH_STATUS_MEANING: Readonly<Record<HealthStatus, string>> = {
  unknown: 'Not yet seen healthy: no successful check since it was registered or edited',
  healthy: 'Answering; circuit closed',
  unhealthy: 'Recovering: the circuit is half-open and probe checks decide whether it closes',
  circuit_open: 'Down: the circuit is open, calls fail fast until the next attempt',
  disabled: 'Disabled: no checks and no calls until it is enabled',
  auth_required:
    'Authorization needed: omni2 holds no usable OAuth token for it; an operator must authorize it again (not counted as down)',
};

export const CIRCUIT_STATE_LABEL: Readonly<Record<CircuitState, string>> = {
  closed: 'closed',
  open: 'open',
  half_open: 'half-open (recovering)',
};

/** A circuit change in words, e.g. "recovery probe failed: circuit open again". */
export function circuitChangeText(from: CircuitState, to: CircuitState): string {
  if (to === 'open')
    return from === 'half_open' ? 'recovery probe failed: circuit open again' : 'circuit opened';
  if (to === 'half_open') return 'recovering: probing';
  return from === 'half_open' ? 'recovered: circuit closed' : 'circuit closed';
}

type BreakerFields = Pick<McpServerView, 'status' | 'circuit_state' | 'consecutive_failures'>;

/** A server whose last checks failed while its circuit is still closed. */
export interface Suspicion {
  failures: number;
  threshold: number;
}

/**
 * Failures below the threshold leave the status alone (no blinking, SPEC §2), but they are not
 * hidden: such a server is "failing k/threshold" wherever its status is shown.
 */
export function suspicionOf(server: BreakerFields, threshold: number): Suspicion | null {
  if (server.status !== 'active' || server.circuit_state !== 'closed') return null;
  if (server.consecutive_failures <= 0) return null;
  return { failures: Math.min(server.consecutive_failures, threshold), threshold };
}

export function suspicionText(s: Suspicion): string {
  return `failing ${s.failures}/${s.threshold}`;
}

export function suspicionTitle(s: Suspicion): string {
  return (
    `The last ${s.failures} check${s.failures === 1 ? '' : 's'} failed; the circuit opens at ` +
    `${s.threshold} consecutive failures. The status changes only then (no blinking).`
  );
}

/**
 * Consecutive failures toward the threshold, the one figure list, detail and dashboard show: it
 * never passes the threshold, since the circuit opens there (failed probes after that count as
 * failed recovery cycles instead).
 */
export function failuresTowardThreshold(server: BreakerFields, threshold: number): number {
  if (server.circuit_state !== 'closed') return threshold;
  return Math.min(server.consecutive_failures, threshold);
}

type CheckFields = Pick<
  McpServerView,
  | 'last_health_check'
  | 'last_success_at'
  | 'last_response_time_ms'
  | 'last_error'
  | 'last_error_kind'
>;

/** What the last check itself saw, not the last good one. */
export type LastCheck =
  | { at: string; ok: true; response_time_ms: number | null }
  | { at: string; ok: false; error_kind: McpServerView['last_error_kind']; error: string | null };

export function lastCheckOf(server: CheckFields): LastCheck | null {
  const at = server.last_health_check;
  if (at === null) return null;
  const success = server.last_success_at === null ? NaN : Date.parse(server.last_success_at);
  if (success >= Date.parse(at)) {
    return { at, ok: true, response_time_ms: server.last_response_time_ms };
  }
  return { at, ok: false, error_kind: server.last_error_kind, error: server.last_error };
}

/** Downtime so far: the outages that ended plus the one going on (SPEC: circuit open to closed). */
export function downtimeSecondsOf(
  server: Pick<McpServerView, 'total_downtime_seconds' | 'down_since'>,
  nowMs: number,
): number {
  const since = server.down_since === null ? NaN : Date.parse(server.down_since);
  const ongoing = Number.isNaN(since) ? 0 : Math.max(0, Math.floor((nowMs - since) / 1_000));
  return server.total_downtime_seconds + ongoing;
}
