import type {
  CircuitBreakerSettings,
  CircuitState,
  HealthStatus,
  NewEvent,
  Severity,
} from '@omni2/contracts';
import type { BreakerDecision, BreakerEventType, BreakerState } from '../breaker/breaker';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import type { ProbeOutcome } from './health-probe';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function severityOf(status: HealthStatus): Severity {
  switch (status) {
    case 'healthy':
    case 'unknown':
      return 'info';
    case 'unhealthy':
      return 'warning';
    case 'circuit_open':
    case 'disabled':
      return 'error';
  }
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

/** The SPEC §4 events one recorded check produces, in the order a console should apply them. */
export function eventsForCheck(
  row: McpServerEntity,
  previousStatus: HealthStatus,
  previous: BreakerState,
  decision: BreakerDecision,
  outcome: ProbeOutcome,
  settings: CircuitBreakerSettings,
): NewEvent[] {
  const base = { server_id: row.id, mcp_name: row.name };
  const events: NewEvent[] = [
    {
      ...base,
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
    },
  ];
  const state = decision.state;
  // One event per transition the breaker made, including open -> half_open -> open in one check.
  let from = previous.circuit_state;
  for (const e of decision.events) {
    const to = circuitAfter(e.type);
    if (to === null || to === from) continue;
    events.push({
      ...base,
      type: 'circuit_breaker_state',
      severity: to === 'open' ? 'error' : 'info',
      data: {
        old_state: from,
        new_state: to,
        consecutive_failures: state.consecutive_failures,
        failure_cycles: state.failure_cycles,
        next_attempt_at: to === 'open' ? iso(row.open_until) : null,
      },
    });
    from = to;
  }
  if (state.circuit_state === 'half_open' && outcome.ok) {
    events.push({
      ...base,
      type: 'recovery_progress',
      severity: 'info',
      data: { successes: state.consecutive_successes, required: settings.half_open_max_calls },
    });
  }
  if (row.health_status !== previousStatus) {
    // The breaker's words, or the kind of failure: an upstream's error text stays in
    // last_error and the check event, where each audience gets what it may see.
    const reason =
      decision.events.map((e) => e.message).join('; ') ||
      (outcome.ok ? 'check succeeded' : `check failed: ${outcome.errorKind}`);
    events.push({
      ...base,
      type: 'mcp_status_change',
      severity: severityOf(row.health_status),
      data: {
        old_status: previousStatus,
        new_status: row.health_status,
        reason,
        recovery_eta: iso(row.open_until),
      },
    });
  }
  const disabled = decision.events.find((e) => e.type === 'auto_disabled');
  if (disabled) {
    events.push({
      ...base,
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
