import { callGate } from '../breaker/breaker';
import { DomainError } from '../common/domain-error';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { breakerStateOf } from './breaker-row';

/**
 * SPEC §2: while a circuit is open, calls fail fast and nothing is checked until the period
 * ends. Throws the CIRCUIT_OPEN error (with `retry_at`) for a server whose circuit is open now;
 * `hint` tells the caller what they can do meanwhile.
 */
export function assertCircuitAllows(row: McpServerEntity, now: number, hint = ''): void {
  const gate = callGate(breakerStateOf(row), now);
  if (gate.allowed || gate.reason !== 'circuit_open') return;
  const retryAt = new Date(gate.retryAt ?? now).toISOString();
  throw new DomainError(
    'CIRCUIT_OPEN',
    `circuit: "${row.name}" is failing and its circuit is open; next attempt at ${retryAt}${hint}`,
    undefined,
    { retry_at: retryAt, last_error: row.last_error, last_error_kind: row.last_error_kind },
  );
}

/** Whether the server's circuit lets a call or check through now. */
export function circuitAllows(row: McpServerEntity, now: number): boolean {
  return callGate(breakerStateOf(row), now).allowed;
}
