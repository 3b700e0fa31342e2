import type {
  CircuitBreakerSettings,
  CircuitState,
  DisabledReason,
  HealthCheckSettings,
  ServerStatus,
} from '@omni2/contracts';

/** What the breaker needs to know about one server. Times are epoch milliseconds. */
export interface BreakerState {
  status: ServerStatus;
  disabled_reason: DisabledReason | null;
  circuit_state: CircuitState;
  consecutive_failures: number;
  /** Successes counted while half-open. */
  consecutive_successes: number;
  /**
   * The breaker's epoch: moves when the circuit opens or closes or the server is disabled. An
   * outcome counts only in the generation it was admitted under (`outcomeCounts`).
   */
  generation: number;
  /** Failed half-open probes since the circuit last closed. */
  failure_cycles: number;
  circuit_opened_at: number | null;
  open_until: number | null;
  /** When the current outage began (the circuit first opened); null while up. */
  down_since: number | null;
}

export type BreakerEventType =
  'circuit_opened' | 'circuit_closed' | 'recovery_attempt' | 'recovery_success' | 'auto_disabled';

export interface BreakerEvent {
  type: BreakerEventType;
  message: string;
}

export interface BreakerDecision {
  state: BreakerState;
  events: BreakerEvent[];
  /** Whole seconds of downtime that ended with this decision (closed or auto-disabled), else 0. */
  downtimeEndedSeconds: number;
}

/** A fresh breaker; `generation` continues the server's (a restart is a new epoch too). */
export function initialBreakerState(status: ServerStatus = 'active', generation = 0): BreakerState {
  return {
    status,
    disabled_reason: null,
    circuit_state: 'closed',
    consecutive_failures: 0,
    consecutive_successes: 0,
    generation,
    failure_cycles: 0,
    circuit_opened_at: null,
    open_until: null,
    down_since: null,
  };
}

/** 60 s -> 2 m -> 4 m -> 8 m -> 10 m with the defaults (SPEC §2). */
export function openPeriodSeconds(failureCycles: number, s: CircuitBreakerSettings): number {
  return Math.min(s.timeout_seconds * s.backoff_multiplier ** failureCycles, s.max_timeout_seconds);
}

const downSeconds = (state: BreakerState, now: number) =>
  state.down_since === null ? 0 : Math.max(0, Math.floor((now - state.down_since) / 1_000));

function open(
  state: BreakerState,
  now: number,
  s: CircuitBreakerSettings,
  why: string,
): BreakerDecision {
  const period = openPeriodSeconds(state.failure_cycles, s);
  return {
    state: {
      ...state,
      circuit_state: 'open',
      consecutive_successes: 0,
      generation: state.generation + 1,
      circuit_opened_at: now,
      open_until: now + period * 1_000,
      down_since: state.down_since ?? now,
    },
    events: [
      { type: 'circuit_opened', message: `circuit opened ${why}; next attempt in ${period} s` },
    ],
    downtimeEndedSeconds: 0,
  };
}

function close(state: BreakerState, now: number, message: string): BreakerDecision {
  return {
    state: {
      ...state,
      circuit_state: 'closed',
      consecutive_failures: 0,
      consecutive_successes: 0,
      generation: state.generation + 1,
      failure_cycles: 0,
      circuit_opened_at: null,
      open_until: null,
      down_since: null,
    },
    events: [
      { type: 'recovery_success', message },
      { type: 'circuit_closed', message: 'circuit closed' },
    ],
    downtimeEndedSeconds: downSeconds(state, now),
  };
}

function autoDisable(state: BreakerState, now: number, why: string): BreakerDecision {
  return {
    state: {
      ...state,
      status: 'inactive',
      disabled_reason: 'auto',
      generation: state.generation + 1,
      open_until: null,
      down_since: null,
    },
    events: [{ type: 'auto_disabled', message: `auto-disabled: ${why}` }],
    downtimeEndedSeconds: downSeconds(state, now),
  };
}

/** Disabled after `disable_after_minutes` of continuous downtime, checked on every failure. */
function downTooLong(state: BreakerState, now: number, s: CircuitBreakerSettings): boolean {
  return (
    s.auto_disable_enabled &&
    state.down_since !== null &&
    now - state.down_since >= s.disable_after_minutes * 60_000
  );
}

function onClosed(
  state: BreakerState,
  ok: boolean,
  now: number,
  s: CircuitBreakerSettings,
): BreakerDecision {
  if (ok) {
    return {
      state: { ...state, consecutive_failures: 0, consecutive_successes: 0 },
      events: [],
      downtimeEndedSeconds: 0,
    };
  }
  const failed = { ...state, consecutive_failures: state.consecutive_failures + 1 };
  // Below the threshold nothing the operator sees changes: no blinking.
  if (!s.enabled || failed.consecutive_failures < s.failure_threshold) {
    return { state: failed, events: [], downtimeEndedSeconds: 0 };
  }
  return open(failed, now, s, `after ${failed.consecutive_failures} consecutive failures`);
}

function onHalfOpen(
  state: BreakerState,
  ok: boolean,
  now: number,
  s: CircuitBreakerSettings,
): BreakerDecision {
  if (ok) {
    const progressed = {
      ...state,
      consecutive_failures: 0,
      consecutive_successes: state.consecutive_successes + 1,
    };
    if (!s.enabled || progressed.consecutive_successes >= s.half_open_max_calls) {
      return close(
        progressed,
        now,
        `recovered after ${progressed.consecutive_successes} successful probes`,
      );
    }
    return { state: progressed, events: [], downtimeEndedSeconds: 0 };
  }
  const failed = {
    ...state,
    consecutive_failures: state.consecutive_failures + 1,
    consecutive_successes: 0,
  };
  if (!s.enabled) return { state: failed, events: [], downtimeEndedSeconds: 0 };
  const cycled = { ...failed, failure_cycles: failed.failure_cycles + 1 };
  if (s.auto_disable_enabled && cycled.failure_cycles >= s.max_failure_cycles) {
    return autoDisable(cycled, now, `${cycled.failure_cycles} failed recovery cycles`);
  }
  return open(cycled, now, s, `again: recovery probe failed (cycle ${cycled.failure_cycles})`);
}

function merge(first: BreakerDecision, second: BreakerDecision): BreakerDecision {
  return {
    state: second.state,
    events: [...first.events, ...second.events],
    downtimeEndedSeconds: first.downtimeEndedSeconds + second.downtimeEndedSeconds,
  };
}

/** Applies one check result (SPEC §2). Pure: returns new objects, never mutates `state`. */
export function onCheckResult(
  state: BreakerState,
  ok: boolean,
  now: number,
  s: CircuitBreakerSettings,
): BreakerDecision {
  if (state.status === 'inactive') return { state, events: [], downtimeEndedSeconds: 0 };
  if (!ok && downTooLong(state, now, s)) {
    const minutes = s.disable_after_minutes;
    return autoDisable(
      { ...state, consecutive_failures: state.consecutive_failures + 1 },
      now,
      `down for ${minutes} minute${minutes === 1 ? '' : 's'}`,
    );
  }
  switch (state.circuit_state) {
    case 'closed':
      return onClosed(state, ok, now, s);
    case 'half_open':
      return onHalfOpen(state, ok, now, s);
    case 'open': {
      // Reached once the period is over: on-demand checks are refused before (circuit-gate.ts).
      const attempt: BreakerDecision = {
        state: { ...state, circuit_state: 'half_open', consecutive_successes: 0 },
        events: [{ type: 'recovery_attempt', message: 'open period over: probing' }],
        downtimeEndedSeconds: 0,
      };
      return merge(attempt, onHalfOpen(attempt.state, ok, now, s));
    }
  }
}

export type Gate =
  /** `probe`: the circuit is recovering (half-open, or open with its period over). */
  | { allowed: true; probe: boolean }
  | { allowed: false; reason: 'disabled' | 'circuit_open'; retryAt: number | null };

/** Whether a check or tool call may go through now (tool calls share the breaker). */
export function callGate(state: BreakerState, now: number): Gate {
  if (state.status === 'inactive') return { allowed: false, reason: 'disabled', retryAt: null };
  if (state.circuit_state === 'open' && state.open_until !== null && now < state.open_until) {
    return { allowed: false, reason: 'circuit_open', retryAt: state.open_until };
  }
  return { allowed: true, probe: state.circuit_state !== 'closed' };
}

/**
 * Whether an outcome admitted in `admitted` may move the breaker now: only within the same
 * generation. A call that started before the circuit opened (or closed, or the server was
 * disabled or edited) is explained by what happened since, and counts for nothing.
 */
export function outcomeCounts(state: BreakerState, admitted: number): boolean {
  return state.generation === admitted;
}

/** When the scheduler should check next: null when disabled, the period's end when open. */
export function nextCheckAt(
  state: BreakerState,
  now: number,
  h: HealthCheckSettings,
  jitter: (maxMs: number) => number,
): number | null {
  if (state.status === 'inactive') return null;
  if (state.circuit_state === 'open') return state.open_until ?? now;
  const suspect = state.circuit_state === 'half_open' || state.consecutive_failures > 0;
  const interval = (suspect ? h.unhealthy_interval_seconds : h.interval_seconds) * 1_000;
  // Up to 10% later, so servers registered together drift apart instead of firing together.
  return now + interval + jitter(interval * 0.1);
}

/** Operator reset: closed with counters and period reset; ends any outage. */
export function resetCircuit(state: BreakerState, now: number): BreakerDecision {
  const wasClean =
    state.circuit_state === 'closed' &&
    state.consecutive_failures === 0 &&
    state.failure_cycles === 0 &&
    state.down_since === null;
  const closed = close(state, now, 'reset by operator');
  return {
    ...closed,
    events: wasClean ? [] : [{ type: 'circuit_closed', message: 'circuit reset by operator' }],
  };
}
