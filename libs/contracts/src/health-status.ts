import type { CircuitState, HealthStatus, ServerStatus } from './statuses';

export interface HealthStatusInputs {
  status: ServerStatus;
  circuit_state: CircuitState;
  /** Last successful check; null when the server was never seen healthy. */
  last_success_at: string | Date | null;
  /** The last check found no usable OAuth authorization (SPEC §11). */
  auth_required: boolean;
}

/**
 * The one place `health_status` is decided (SPEC §2). Failures below the breaker threshold leave
 * the circuit closed, so they deliberately do not change the shown status: no blinking. A server
 * never seen healthy stays `unknown` until its first success or until its circuit opens.
 */
export function deriveHealthStatus(inputs: HealthStatusInputs): HealthStatus {
  if (inputs.status === 'inactive') return 'disabled';
  // An upstream waiting for an operator is not down: the breaker never saw it fail.
  if (inputs.auth_required) return 'auth_required';
  switch (inputs.circuit_state) {
    case 'open':
      return 'circuit_open';
    case 'half_open':
      return 'unhealthy';
    case 'closed':
      return inputs.last_success_at === null ? 'unknown' : 'healthy';
  }
}
