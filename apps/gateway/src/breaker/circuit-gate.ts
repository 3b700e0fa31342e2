import { Injectable } from '@nestjs/common';
import { callGate } from './breaker';
import { type Admission, ProbeSlots, type Ticket } from './probe-slots';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { RuntimeConfigService } from '../config/runtime-config.service';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { breakerStateOf } from './breaker-row';

export type { Ticket } from './probe-slots';

/** How long a caller turned away because recovery probes are busy should wait. */
const PROBES_BUSY_RETRY_MS = 1_000;

/**
 * SPEC §2 at the door: while a circuit is open, calls fail fast and nothing is checked until the
 * period ends; a recovering circuit lets `half_open_max_calls` probes through at a time (per
 * replica). Every check and tool call is admitted here and carries its ticket to the recorder.
 */
@Injectable()
export class CircuitGate {
  private readonly slots = new ProbeSlots();

  constructor(
    private readonly config: RuntimeConfigService,
    private readonly clock: Clock,
  ) {}

  /** A ticket, or null when the circuit does not let this one through now. */
  async admit(row: McpServerEntity): Promise<Ticket | null> {
    const admission = await this.admission(row);
    return admission.admitted ? admission.ticket : null;
  }

  /**
   * A ticket, or the CIRCUIT_OPEN error (with `retry_at`) for a server whose circuit does not let
   * this call through now; `hint` tells the caller what they can do meanwhile.
   */
  async admitOrThrow(row: McpServerEntity, hint = ''): Promise<Ticket> {
    const admission = await this.admission(row);
    if (admission.admitted) return admission.ticket;
    const now = this.clock.now();
    const details = { last_error: row.last_error, last_error_kind: row.last_error_kind };
    if (admission.reason === 'disabled') {
      throw new DomainError('SERVER_DISABLED', `status: server "${row.name}" is disabled`);
    }
    if (admission.reason === 'probes_busy') {
      const retryAt = new Date(now + PROBES_BUSY_RETRY_MS).toISOString();
      throw new DomainError(
        'CIRCUIT_OPEN',
        `circuit: "${row.name}" is recovering and its probe calls are all in flight; retry in a moment`,
        undefined,
        { ...details, retry_at: retryAt, retry_after_seconds: 1 },
      );
    }
    const retryAt = new Date(admission.retryAt ?? now).toISOString();
    throw new DomainError(
      'CIRCUIT_OPEN',
      `circuit: "${row.name}" is failing and its circuit is open; next attempt at ${retryAt}${hint}`,
      undefined,
      { ...details, retry_at: retryAt },
    );
  }

  /** Whether the circuit lets a check or call of `row` through now, with its ticket. */
  async admission(row: McpServerEntity): Promise<Admission> {
    const state = breakerStateOf(row);
    const now = this.clock.now();
    // The settings matter only to a recovering circuit: a healthy call does not wait for them.
    const gate = callGate(state, now);
    if (!gate.allowed || !gate.probe) return this.slots.admit(row.id, state, now, 0, 0);
    const [breaker, health] = await Promise.all([
      this.config.get('circuit_breaker'),
      this.config.get('health_check'),
    ]);
    // The longest a probe can take: a session opening (the server's timeout), then ping and a
    // capability refresh (the check timeout each), as a claim's lease counts it.
    const leaseMs = (row.timeout_seconds + 2 * health.timeout_seconds + 2) * 1_000;
    return this.slots.admit(row.id, state, now, breaker.half_open_max_calls, leaseMs);
  }
}

/** Whether the server's circuit lets a call or check through now (ignoring probe slots). */
export function circuitAllows(row: McpServerEntity, now: number): boolean {
  return callGate(breakerStateOf(row), now).allowed;
}
