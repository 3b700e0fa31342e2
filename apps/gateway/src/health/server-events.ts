import type {
  CircuitBreakerSettings,
  CircuitState,
  HealthStatus,
  NewEvent,
  Severity,
} from '@omni2/contracts';
import type { BreakerDecision, BreakerEventType } from '../breaker/breaker';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import type { ProbeOutcome } from './health-probe';

/**
 * The one place that turns a server's state changes into SPEC §4 events, whoever moved it (a
 * check, a tool call, an operator), so the same change always reads the same way.
 */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * How bad the new status is. A disabled server is an error when the breaker gave up on it and a
 * warning when an operator chose it.
 */
function statusSeverity(row: McpServerEntity): Severity {
  switch (row.health_status) {
    case 'healthy':
    case 'unknown':
      return 'info';
    case 'unhealthy':
    case 'auth_required':
      return 'warning';
    case 'circuit_open':
      return 'error';
    case 'disabled':
      return row.disabled_reason === 'auto' ? 'error' : 'warning';
  }
}

/** A circuit that opens is an error; every other move is news. */
function circuitSeverity(to: CircuitState): Severity {
  return to === 'open' ? 'error' : 'info';
}

function circuitAfter(type: BreakerEventType): CircuitState | null {
  switch (type) {
    case 'circuit_opened':
      return 'open';
    case 'recovery_attempt':
      return 'half_open';
    case 'circuit_closed':
      return 'closed';
    case 'recovery_success':
    case 'auto_disabled':
      return null;
  }
}

const base = (row: McpServerEntity) => ({ server_id: row.id, mcp_name: row.name });

/** The circuit moved from `from` through each state of `path` in turn. */
export function circuitEvents(
  row: McpServerEntity,
  from: CircuitState,
  path: readonly CircuitState[],
): NewEvent[] {
  const events: NewEvent[] = [];
  let previous = from;
  for (const to of path) {
    if (to === previous) continue;
    events.push({
      ...base(row),
      type: 'circuit_breaker_state',
      severity: circuitSeverity(to),
      data: {
        old_state: previous,
        new_state: to,
        consecutive_failures: row.consecutive_failures,
        failure_cycles: row.failure_cycles,
        next_attempt_at: to === 'open' ? iso(row.open_until) : null,
      },
    });
    previous = to;
  }
  return events;
}

/** The status change, if the status changed. */
export function statusChangeEvents(
  row: McpServerEntity,
  previousStatus: HealthStatus,
  reason: string,
): NewEvent[] {
  if (row.health_status === previousStatus) return [];
  return [
    {
      ...base(row),
      type: 'mcp_status_change',
      severity: statusSeverity(row),
      data: {
        old_status: previousStatus,
        new_status: row.health_status,
        reason,
        recovery_eta: row.status === 'active' ? iso(row.open_until) : null,
      },
    },
  ];
}

/** What a check saw, whether or not it moved anything. */
export function healthCheckEvent(row: McpServerEntity, outcome: ProbeOutcome): NewEvent {
  return {
    ...base(row),
    type: 'mcp_health_check',
    severity: outcome.ok ? 'info' : 'warning',
    data: {
      ok: outcome.ok,
      response_time_ms: outcome.ok ? outcome.responseTimeMs : null,
      error: outcome.ok ? null : outcome.error,
      error_kind: outcome.ok ? null : outcome.errorKind,
      consecutive_failures: row.consecutive_failures,
      health_status: row.health_status,
    },
  };
}

/**
 * The events of one breaker step (from a check or a tool call), in the order a console should
 * apply them. `quietReason` explains a status change the breaker itself did not name.
 */
export function breakerStepEvents(
  row: McpServerEntity,
  previousStatus: HealthStatus,
  previousCircuit: CircuitState,
  decision: BreakerDecision,
  succeeded: boolean,
  quietReason: string,
  settings: CircuitBreakerSettings,
): NewEvent[] {
  const state = decision.state;
  // One event per transition, including open -> half_open -> open in one step.
  const path = decision.events
    .map((e) => circuitAfter(e.type))
    .filter((s): s is CircuitState => s !== null);
  const events = circuitEvents(row, previousCircuit, path);
  if (state.circuit_state === 'half_open' && succeeded) {
    events.push({
      ...base(row),
      type: 'recovery_progress',
      severity: 'info',
      data: { successes: state.consecutive_successes, required: settings.half_open_max_calls },
    });
  }
  // The breaker's words, or the kind of failure: an upstream's error text stays in last_error
  // and the check event, where each audience gets what it may see.
  const reason = decision.events.map((e) => e.message).join('; ') || quietReason;
  events.push(...statusChangeEvents(row, previousStatus, reason));
  const disabled = decision.events.find((e) => e.type === 'auto_disabled');
  if (disabled) {
    events.push({
      ...base(row),
      type: 'mcp_auto_disabled',
      severity: 'critical',
      data: {
        reason: disabled.message,
        failure_cycles: state.failure_cycles,
        downtime_seconds: decision.downtimeEndedSeconds,
      },
    });
  }
  return events;
}
