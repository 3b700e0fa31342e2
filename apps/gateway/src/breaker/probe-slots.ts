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
 * back. A slot is held until its ticket is released or its lease (the longest a probe can take)
 * runs out, so a ticket lost to a bug cannot keep a circuit from recovering. Pure bookkeeping, no
 * I/O: the slots live in memory and are per replica.
 */
export class ProbeSlots {
  /** Per server: the generation probed and the lease end of each probe in flight. */
  private readonly inFlight = new Map<
    string,
    { generation: number; leases: Map<symbol, number> }
  >();

  admit(
    serverId: string,
    state: BreakerState,
    now: number,
    maxProbes: number,
    leaseMs: number,
  ): Admission {
    const gate = callGate(state, now);
    if (!gate.allowed) return { admitted: false, reason: gate.reason, retryAt: gate.retryAt };
    if (!gate.probe) return { admitted: true, ticket: NOT_A_PROBE(state.generation) };
    const generation = state.generation;
    let slot = this.inFlight.get(serverId);
    if (slot?.generation !== generation) {
      slot = { generation, leases: new Map() };
      this.inFlight.set(serverId, slot);
    }
    for (const [id, until] of slot.leases) if (until <= now) slot.leases.delete(id);
    if (slot.leases.size >= maxProbes) {
      return { admitted: false, reason: 'probes_busy', retryAt: null };
    }
    const id = Symbol('probe');
    slot.leases.set(id, now + leaseMs);
    const release = () => {
      const current = this.inFlight.get(serverId);
      if (current?.generation !== generation || !current.leases.delete(id)) return;
      if (current.leases.size === 0) this.inFlight.delete(serverId);
    };
    return { admitted: true, ticket: { generation, probe: true, release } };
  }

  /** Probes holding a slot for the server's generation at `now` (metrics, tests). */
  probesInFlight(serverId: string, generation: number, now: number): number {
    const slot = this.inFlight.get(serverId);
    if (slot?.generation !== generation) return 0;
    return [...slot.leases.values()].filter((until) => until > now).length;
  }
}
