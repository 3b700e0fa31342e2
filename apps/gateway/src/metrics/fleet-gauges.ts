import { HEALTH_STATUSES, type HealthStatus, type McpServerView } from '@omni2/contracts';
import { header, labelText, sample } from './exposition';

/** The fields of a server the gauges read; a view of the list snapshot has them all. */
export type FleetRow = Pick<
  McpServerView,
  | 'name'
  | 'health_status'
  | 'circuit_state'
  | 'consecutive_failures'
  | 'failure_cycles'
  | 'last_health_check'
  | 'last_response_time_ms'
>;

const FAMILIES = {
  servers: ['omni2_servers', 'Registered servers by health status'],
  status: [
    'omni2_server_health_status',
    'Health status of each server: 1 for its current status (unknown, healthy, unhealthy, circuit_open, disabled)',
  ],
  circuit: [
    'omni2_server_circuit_state',
    'Circuit breaker state of each server: 1 for its current state (closed, open, half_open)',
  ],
  failures: ['omni2_server_consecutive_failures', 'Consecutive failed checks of each server'],
  cycles: [
    'omni2_server_failure_cycles',
    'Failed recoveries (half-open back to open) of each server since it was last healthy',
  ],
  lastCheck: [
    'omni2_server_last_check_timestamp_seconds',
    'When each server was last checked (Unix time); absent when never checked',
  ],
  responseTime: [
    'omni2_server_response_time_seconds',
    'Response time of the last successful check of each server',
  ],
} as const;

/**
 * Gauges describing the fleet as the database has it, computed from scratch at every scrape: a
 * deleted server's series disappear with it, and every replica reports the same values. Status
 * and circuit state are one series per server labelled with the current value, so a server never
 * shows two statuses at once.
 */
export function renderFleet(rows: readonly FleetRow[]): string {
  const out = Object.fromEntries(
    Object.entries(FAMILIES).map(([key, [name, help]]) => [key, header(name, help, 'gauge')]),
  ) as Record<keyof typeof FAMILIES, string>;
  const counts = new Map<HealthStatus, number>(HEALTH_STATUSES.map((s) => [s, 0]));
  for (const row of rows) {
    counts.set(row.health_status, (counts.get(row.health_status) ?? 0) + 1);
    const server = labelText({ server: row.name });
    out.status += sample(FAMILIES.status[0], `${server},status="${row.health_status}"`, 1);
    out.circuit += sample(FAMILIES.circuit[0], `${server},state="${row.circuit_state}"`, 1);
    out.failures += sample(FAMILIES.failures[0], server, row.consecutive_failures);
    out.cycles += sample(FAMILIES.cycles[0], server, row.failure_cycles);
    if (row.last_health_check !== null) {
      out.lastCheck += sample(
        FAMILIES.lastCheck[0],
        server,
        Date.parse(row.last_health_check) / 1_000,
      );
    }
    if (row.last_response_time_ms !== null) {
      out.responseTime += sample(
        FAMILIES.responseTime[0],
        server,
        row.last_response_time_ms / 1_000,
      );
    }
  }
  for (const [status, count] of counts) {
    out.servers += sample(FAMILIES.servers[0], `status="${status}"`, count);
  }
  return Object.values(out).join('');
}
