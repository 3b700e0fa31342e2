import {
  deriveHealthStatus,
  RUNTIME_DEFAULTS,
  type CircuitBreakerSettings,
  type HealthStatus,
} from '@omni2/contracts';
import {
  type BreakerDecision,
  type BreakerState,
  callGate,
  initialBreakerState,
  nextCheckAt,
  onCheckResult,
  openPeriodSeconds,
  resetCircuit,
} from './breaker';

const defaults = RUNTIME_DEFAULTS.circuit_breaker;
const health = RUNTIME_DEFAULTS.health_check;
const noJitter = () => 0;

/** A breaker driven by a fake clock that only moves when the test says so. */
class Driver {
  now = 1_700_000_000_000;
  state: BreakerState = initialBreakerState();
  last!: BreakerDecision;
  everHealthy = false;

  constructor(private readonly s: CircuitBreakerSettings = defaults) {}

  check(ok: boolean): BreakerDecision {
    this.last = onCheckResult(Object.freeze({ ...this.state }), ok, this.now, this.s);
    this.state = this.last.state;
    if (ok) this.everHealthy = true;
    return this.last;
  }

  /** Advances to the end of the open period, as the scheduler would. */
  waitOpenPeriod(): void {
    this.now = this.state.open_until!;
  }

  shown(): HealthStatus {
    return deriveHealthStatus({
      status: this.state.status,
      circuit_state: this.state.circuit_state,
      last_success_at: this.everHealthy ? new Date(0) : null,
      auth_required: false,
    });
  }

  types(): string[] {
    return this.last.events.map((e) => e.type);
  }
}

describe('openPeriodSeconds', () => {
  it('doubles per failure cycle up to the cap: 60 s, 2 m, 4 m, 8 m, 10 m', () => {
    expect([0, 1, 2, 3, 4, 5].map((c) => openPeriodSeconds(c, defaults))).toEqual([
      60, 120, 240, 480, 600, 600,
    ]);
  });
});

describe('the SPEC no-blinking sequence', () => {
  it('shows healthy through four failures, circuit_open at the fifth, unhealthy while recovering', () => {
    const d = new Driver();
    d.check(true);
    expect(d.shown()).toBe('healthy');
    for (let i = 1; i <= 4; i++) {
      expect(d.check(false).events).toEqual([]);
      expect(d.shown()).toBe('healthy');
      expect(d.state.consecutive_failures).toBe(i);
    }
    d.check(false);
    expect(d.types()).toEqual(['circuit_opened']);
    expect(d.shown()).toBe('circuit_open');
    expect(d.state.open_until! - d.now).toBe(60_000);

    d.waitOpenPeriod();
    d.check(true);
    expect(d.types()).toEqual(['recovery_attempt']);
    expect(d.state).toMatchObject({ circuit_state: 'half_open', consecutive_successes: 1 });
    expect(d.shown()).toBe('unhealthy');
    d.check(true);
    expect(d.shown()).toBe('unhealthy');
    expect(d.state.consecutive_successes).toBe(2);
    d.check(true);
    expect(d.types()).toEqual(['recovery_success', 'circuit_closed']);
    expect(d.shown()).toBe('healthy');
    expect(d.state).toMatchObject({
      circuit_state: 'closed',
      consecutive_failures: 0,
      consecutive_successes: 0,
      failure_cycles: 0,
      open_until: null,
      down_since: null,
    });
  });

  it('a success in closed state resets the failure count', () => {
    const d = new Driver();
    d.check(false);
    d.check(false);
    d.check(true);
    expect(d.state.consecutive_failures).toBe(0);
    for (let i = 0; i < 4; i++) d.check(false);
    expect(d.state.circuit_state).toBe('closed');
  });
});

describe('recovery and backoff', () => {
  const patient = { ...defaults, max_failure_cycles: 100 };

  it('re-opens on one half-open failure with the next, longer period', () => {
    const d = new Driver(patient);
    for (let i = 0; i < 5; i++) d.check(false);
    const periods = [d.state.open_until! - d.now];
    for (let cycle = 1; cycle <= 5; cycle++) {
      d.waitOpenPeriod();
      d.check(false);
      expect(d.types()).toEqual(['recovery_attempt', 'circuit_opened']);
      expect(d.state.failure_cycles).toBe(cycle);
      periods.push(d.state.open_until! - d.now);
    }
    expect(periods).toEqual([60, 120, 240, 480, 600, 600].map((s) => s * 1_000));
  });

  it('a failure after some half-open successes re-opens and restarts the success count', () => {
    const d = new Driver();
    for (let i = 0; i < 5; i++) d.check(false);
    d.waitOpenPeriod();
    d.check(true);
    d.check(true);
    d.check(false);
    expect(d.state).toMatchObject({
      circuit_state: 'open',
      consecutive_successes: 0,
      failure_cycles: 1,
    });
  });

  it('closing resets the period: the next outage starts at 60 s again', () => {
    const d = new Driver();
    for (let i = 0; i < 5; i++) d.check(false);
    d.waitOpenPeriod();
    d.check(false); // cycle 1: 120 s
    d.waitOpenPeriod();
    for (let i = 0; i < 3; i++) d.check(true);
    expect(d.state.circuit_state).toBe('closed');
    for (let i = 0; i < 5; i++) d.check(false);
    expect(d.state.open_until! - d.now).toBe(60_000);
  });

  it('reports the downtime that ended when the circuit closes', () => {
    const d = new Driver();
    for (let i = 0; i < 5; i++) d.check(false);
    const openedAt = d.now;
    d.waitOpenPeriod();
    d.check(true);
    d.now += 30_000;
    d.check(true);
    d.now += 30_500;
    expect(d.check(true).downtimeEndedSeconds).toBe(Math.floor((d.now - openedAt) / 1_000));
  });
});

describe('auto-disable', () => {
  it('disables after exactly max_failure_cycles failed recoveries, not one before', () => {
    const d = new Driver(); // max_failure_cycles 3
    for (let i = 0; i < 5; i++) d.check(false);
    d.waitOpenPeriod();
    d.check(false);
    d.waitOpenPeriod();
    d.check(false);
    expect(d.state).toMatchObject({ status: 'active', failure_cycles: 2, circuit_state: 'open' });
    d.waitOpenPeriod();
    const decision = d.check(false);
    expect(d.types()).toEqual(['recovery_attempt', 'auto_disabled']);
    expect(d.state).toMatchObject({
      status: 'inactive',
      disabled_reason: 'auto',
      failure_cycles: 3,
    });
    expect(d.shown()).toBe('disabled');
    expect(decision.downtimeEndedSeconds).toBe(60 + 120 + 240);
    expect(decision.events[1].message).toMatch(/3 failed recovery cycles/);
  });

  it('disables after disable_after_minutes of downtime, at the boundary and not a millisecond before', () => {
    const s = { ...defaults, disable_after_minutes: 5, max_failure_cycles: 100 };
    const d = new Driver(s);
    for (let i = 0; i < 5; i++) d.check(false);
    const down = d.state.down_since!;
    d.now = down + 5 * 60_000 - 1;
    d.check(false);
    expect(d.state.status).toBe('active');
    d.now = down + 5 * 60_000;
    d.check(false);
    expect(d.state).toMatchObject({ status: 'inactive', disabled_reason: 'auto' });
    expect(d.last.events[0].message).toMatch(/down for 5 minutes/);
  });

  it('never disables when auto_disable_enabled is false', () => {
    const d = new Driver({ ...defaults, auto_disable_enabled: false, disable_after_minutes: 1 });
    for (let i = 0; i < 5; i++) d.check(false);
    for (let i = 0; i < 10; i++) {
      d.waitOpenPeriod();
      d.check(false);
    }
    expect(d.state).toMatchObject({ status: 'active', circuit_state: 'open', failure_cycles: 10 });
  });

  it('ignores checks once disabled', () => {
    const state = { ...initialBreakerState('inactive'), disabled_reason: 'manual' as const };
    const decision = onCheckResult(state, false, 0, defaults);
    expect(decision).toEqual({ state, events: [], downtimeEndedSeconds: 0 });
  });
});

describe('enabled: false', () => {
  it('counts failures but never opens', () => {
    const d = new Driver({ ...defaults, enabled: false });
    for (let i = 0; i < 100; i++) d.check(false);
    expect(d.state).toMatchObject({ circuit_state: 'closed', consecutive_failures: 100 });
  });

  it('closes a circuit that was already open on the next success', () => {
    const d = new Driver();
    for (let i = 0; i < 5; i++) d.check(false);
    const off = new Driver({ ...defaults, enabled: false });
    off.state = d.state;
    off.now = d.now;
    off.check(false);
    expect(off.state.circuit_state).toBe('half_open'); // the probe failed; nothing re-opens
    off.check(true);
    expect(off.state.circuit_state).toBe('closed');
  });
});

describe('callGate', () => {
  it('blocks calls while open and until the period ends, and when disabled', () => {
    const d = new Driver();
    expect(callGate(d.state, d.now)).toEqual({ allowed: true, probe: false });
    for (let i = 0; i < 5; i++) d.check(false);
    const until = d.state.open_until!;
    expect(callGate(d.state, until - 1)).toEqual({
      allowed: false,
      reason: 'circuit_open',
      retryAt: until,
    });
    // Once the period is over, what goes through is a recovery probe.
    expect(callGate(d.state, until)).toEqual({ allowed: true, probe: true });
    expect(callGate(initialBreakerState('inactive'), 0)).toEqual({
      allowed: false,
      reason: 'disabled',
      retryAt: null,
    });
  });
});

describe('nextCheckAt', () => {
  it('uses the healthy interval, the unhealthy one when failing or recovering, the period when open', () => {
    const d = new Driver();
    expect(nextCheckAt(d.state, d.now, health, noJitter)).toBe(d.now + 60_000);
    d.check(false);
    expect(nextCheckAt(d.state, d.now, health, noJitter)).toBe(d.now + 30_000);
    for (let i = 0; i < 4; i++) d.check(false);
    expect(nextCheckAt(d.state, d.now, health, noJitter)).toBe(d.state.open_until);
    d.waitOpenPeriod();
    d.check(true);
    expect(nextCheckAt(d.state, d.now, health, noJitter)).toBe(d.now + 30_000);
    expect(nextCheckAt(initialBreakerState('inactive'), d.now, health, noJitter)).toBeNull();
  });

  it('adds jitter of at most 10% of the interval', () => {
    const asked: number[] = [];
    const at = nextCheckAt(initialBreakerState(), 0, health, (max) => {
      asked.push(max);
      return max - 1;
    });
    expect(asked).toEqual([6_000]);
    expect(at).toBe(60_000 + 5_999);
  });
});

describe('resetCircuit', () => {
  it('closes an open circuit, clears counters and ends the outage', () => {
    const d = new Driver();
    for (let i = 0; i < 5; i++) d.check(false);
    d.now += 10_000;
    const decision = resetCircuit(d.state, d.now);
    expect(decision.state).toMatchObject({
      circuit_state: 'closed',
      consecutive_failures: 0,
      failure_cycles: 0,
      open_until: null,
      down_since: null,
      status: 'active',
    });
    expect(decision.events.map((e) => e.type)).toEqual(['circuit_closed']);
    expect(decision.downtimeEndedSeconds).toBe(10);
  });

  it('is silent on a clean, closed circuit', () => {
    expect(resetCircuit(initialBreakerState(), 0).events).toEqual([]);
  });
});
