import { type BreakerState, callGate } from './breaker';

/** What an admitted check or call carries to its outcome. */
export interface Ticket {
  /** The breaker generation it was admitted under: its outcome counts only within it. */
  readonly generation: number;
  /** Admitted as a recovery probe (half-open, or open with its period over). */
  readonly probe: boolean;
  /** Frees its probe slot; idempotent. */
  release(): void;
}

export type Admission =
  | { admitted: true; ticket: Ticket }
  | {
      admitted: false;
      reason: 'disabled' | 'circuit_open' | 'probes_busy';
      /** Epoch ms when the circuit lets probes through, for `circuit_open`. */
      retryAt: number | null;
    };

const NOT_A_PROBE = (generation: number): Ticket => ({
  generation,
  probe: false,
  release: () => undefined,
});

/**
 * Admission to the breaker (SPEC §2): closed admits everything; open refuses until its period
 * ends; a recovering circuit admits at most `half_open_max_calls` probes in flight per
 * generation on this replica, so a burst of calls cannot all probe a server that is just coming
 * back. Pure bookkeeping, no I/O: the slots live in memory and are per replica.
 */
export class ProbeSlots {
  private readonly inFlight = new Map<string, { generation: number; count: number }>();

  admit(serverId: string, state: BreakerState, now: number, maxProbes: number): Admission {
    const gate = callGate(state, now);
    if (!gate.allowed) return { admitted: false, reason: gate.reason, retryAt: gate.retryAt };
    if (!gate.probe) return { admitted: true, ticket: NOT_A_PROBE(state.generation) };
    const generation = state.generation;
    const slot = this.inFlight.get(serverId);
    const taken = slot?.generation === generation ? slot.count : 0;
    if (taken >= maxProbes) return { admitted: false, reason: 'probes_busy', retryAt: null };
    this.inFlight.set(serverId, { generation, count: taken + 1 });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const current = this.inFlight.get(serverId);
      if (current?.generation !== generation) return;
      if (current.count <= 1) this.inFlight.delete(serverId);
      else current.count -= 1;
    };
    return { admitted: true, ticket: { generation, probe: true, release } };
  }

  /** Probes in flight for the server's current generation (metrics, tests). */
  probesInFlight(serverId: string, generation: number): number {
    const slot = this.inFlight.get(serverId);
    return slot?.generation === generation ? slot.count : 0;
  }
}
