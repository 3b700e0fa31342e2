import { type CircuitBreakerSettings, RUNTIME_DEFAULTS } from '@omni2/contracts';
import fc from 'fast-check';
import { FC_PARAMS } from '../../test/support/odd-input';
import { type BreakerState, initialBreakerState, onCheckResult, outcomeCounts } from './breaker';
import { ProbeSlots, type Ticket } from './probe-slots';

const ID = 'server';
const LEASE_MS = 30_000;

/**
 * The breaker as the gateway drives it: calls are admitted through ProbeSlots, run for a while,
 * and their outcomes are applied only when `outcomeCounts`. Returns the state and what it saw.
 */
class Fleet {
  state: BreakerState = initialBreakerState();
  now = 1_700_000_000_000;
  readonly slots = new ProbeSlots();
  readonly inFlight: (Ticket & { at: number })[] = [];
  readonly violations: string[] = [];

  constructor(readonly s: CircuitBreakerSettings) {}

  admit(): boolean {
    const a = this.slots.admit(ID, this.state, this.now, this.s.half_open_max_calls, LEASE_MS);
    if (!a.admitted) return false;
    this.inFlight.push({ ...a.ticket, at: this.now });
    // A real probe ends within its lease (its own timeouts); one still here past it has.
    const probes = this.inFlight.filter(
      (t) => t.probe && t.generation === this.state.generation && t.at + LEASE_MS > this.now,
    );
    if (probes.length > this.s.half_open_max_calls) {
      this.violations.push(`${probes.length} probes in flight`);
    }
    return true;
  }

  complete(index: number, ok: boolean): void {
    const [ticket] = this.inFlight.splice(index % this.inFlight.length, 1);
    if (!ticket) return;
    ticket.release();
    if (!outcomeCounts(this.state, ticket.generation)) return;
    const before = this.state;
    const decision = onCheckResult(before, ok, this.now, this.s);
    this.state = decision.state;
    if (this.state.failure_cycles > before.failure_cycles && !ticket.probe) {
      this.violations.push('a call admitted while closed completed a failure cycle');
    }
    if (before.circuit_state === 'closed' && this.state.circuit_state === 'open') {
      if (this.state.consecutive_failures < this.s.failure_threshold) {
        this.violations.push('opened below the threshold');
      }
    }
  }
}

const settings = fc.record({
  enabled: fc.constant(true),
  failure_threshold: fc.integer({ min: 1, max: 6 }),
  timeout_seconds: fc.integer({ min: 1, max: 60 }),
  backoff_multiplier: fc.integer({ min: 1, max: 3 }),
  max_timeout_seconds: fc.constant(600),
  half_open_max_calls: fc.integer({ min: 1, max: 4 }),
  max_failure_cycles: fc.integer({ min: 1, max: 5 }),
  auto_disable_enabled: fc.boolean(),
  disable_after_minutes: fc.integer({ min: 1, max: 60 }),
});

const step = fc.oneof(
  fc.record({ kind: fc.constant('admit' as const), count: fc.integer({ min: 1, max: 50 }) }),
  fc.record({
    kind: fc.constant('complete' as const),
    index: fc.nat(),
    ok: fc.boolean(),
    count: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 700_000 }) }),
);

describe('breaker admission under bursts (issue 13, defect 2)', () => {
  it('no interleaving of calls lets a failure cycle come from a call that was not a probe, nor more probes than allowed', () => {
    fc.assert(
      fc.property(settings, fc.array(step, { maxLength: 120 }), (s, steps) => {
        const fleet = new Fleet(s);
        for (const st of steps) {
          if (st.kind === 'advance') fleet.now += st.ms;
          else if (st.kind === 'admit') for (let i = 0; i < st.count; i++) fleet.admit();
          else for (let i = 0; i < st.count; i++) fleet.complete(st.index + i, st.ok);
        }
        expect(fleet.violations).toEqual([]);
      }),
      FC_PARAMS,
    );
  });

  it('200 calls in flight to a hanging server open the circuit once, with no failure cycle', () => {
    const fleet = new Fleet({ ...RUNTIME_DEFAULTS.circuit_breaker, max_failure_cycles: 3 });
    for (let i = 0; i < 200; i++) expect(fleet.admit()).toBe(true);
    fleet.now += 5_000;
    for (let i = 0; i < 200; i++) fleet.complete(0, false);
    expect(fleet.state).toMatchObject({
      status: 'active',
      circuit_state: 'open',
      failure_cycles: 0,
      consecutive_failures: 5,
    });
    expect(fleet.admit()).toBe(false);
  });

  it('once the period is over, a recovering circuit admits half_open_max_calls probes and one failure is one cycle', () => {
    const s = { ...RUNTIME_DEFAULTS.circuit_breaker, half_open_max_calls: 3 };
    const fleet = new Fleet(s);
    for (let i = 0; i < 5; i++) fleet.admit();
    for (let i = 0; i < 5; i++) fleet.complete(0, false);
    fleet.now = fleet.state.open_until!;
    expect([1, 2, 3, 4, 5].map(() => fleet.admit())).toEqual([true, true, true, false, false]);
    for (let i = 0; i < 3; i++) fleet.complete(0, false);
    expect(fleet.state).toMatchObject({ circuit_state: 'open', failure_cycles: 1 });
    expect(fleet.violations).toEqual([]);
  });

  it('frees a slot when a probe ends, and forgets slots of an earlier generation', () => {
    const slots = new ProbeSlots();
    const half: BreakerState = { ...initialBreakerState(), circuit_state: 'half_open' };
    const first = slots.admit(ID, half, 0, 1, LEASE_MS);
    expect(first.admitted).toBe(true);
    expect(slots.admit(ID, half, 0, 1, LEASE_MS)).toMatchObject({
      admitted: false,
      reason: 'probes_busy',
    });
    if (first.admitted) {
      first.ticket.release();
      first.ticket.release();
    }
    expect(slots.probesInFlight(ID, 0, 0)).toBe(0);
    expect(slots.admit(ID, half, 0, 1, LEASE_MS).admitted).toBe(true);
    expect(slots.admit(ID, { ...half, generation: 1 }, 0, 1, LEASE_MS).admitted).toBe(true);
  });

  it('gives a slot back when its lease ends, so a lost ticket cannot keep a circuit from recovering', () => {
    const slots = new ProbeSlots();
    const half: BreakerState = { ...initialBreakerState(), circuit_state: 'half_open' };
    expect(slots.admit(ID, half, 0, 1, LEASE_MS).admitted).toBe(true); // never released
    expect(slots.admit(ID, half, LEASE_MS - 1, 1, LEASE_MS).admitted).toBe(false);
    expect(slots.probesInFlight(ID, 0, LEASE_MS)).toBe(0);
    expect(slots.admit(ID, half, LEASE_MS, 1, LEASE_MS).admitted).toBe(true);
  });
});
