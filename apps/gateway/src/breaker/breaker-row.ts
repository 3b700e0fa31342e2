import type { BreakerState } from './breaker';
import type { McpServerEntity } from '../registry/mcp-server.entity';

const ms = (d: Date | null): number | null => (d ? d.getTime() : null);
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

/** The breaker's view of a server row. */
export function breakerStateOf(row: McpServerEntity): BreakerState {
  return {
    status: row.status,
    disabled_reason: row.disabled_reason,
    circuit_state: row.circuit_state,
    consecutive_failures: row.consecutive_failures,
    consecutive_successes: row.consecutive_successes,
    generation: row.circuit_generation,
    failure_cycles: row.failure_cycles,
    circuit_opened_at: ms(row.circuit_opened_at),
    open_until: ms(row.open_until),
    down_since: ms(row.down_since),
  };
}

/** The row columns that hold a breaker state. */
export function breakerColumns(state: BreakerState): Partial<McpServerEntity> {
  return {
    status: state.status,
    disabled_reason: state.disabled_reason,
    circuit_state: state.circuit_state,
    consecutive_failures: state.consecutive_failures,
    consecutive_successes: state.consecutive_successes,
    circuit_generation: state.generation,
    failure_cycles: state.failure_cycles,
    circuit_opened_at: date(state.circuit_opened_at),
    open_until: date(state.open_until),
    down_since: date(state.down_since),
  };
}

/** Writes a breaker decision back onto the row (in place). */
export function withBreakerState(row: McpServerEntity, state: BreakerState): McpServerEntity {
  return Object.assign(row, breakerColumns(state));
}
