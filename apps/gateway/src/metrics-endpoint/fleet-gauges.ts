import {
  deprecatedParts,
  HEALTH_STATUSES,
  type HealthStatus,
  type McpServerView,
} from '@omni2/contracts';
import { header, labelText, sample } from '../metrics/exposition';

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
  | 'protocol'
  | 'protocol_era'
  | 'protocol_version'
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
  byProtocol: [
    'omni2_servers_by_protocol',
    'Registered servers by protocol era (modern, legacy, unknown before first contact), revision, transport, and whether they use a deprecated revision or transport',
  ],
  protocol: [
    'omni2_server_protocol_info',
    'Protocol of each server: 1, labelled with its era, revision, transport and deprecated parts',
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
  const byProtocol = new Map<string, number>();
  for (const row of rows) {
    const deprecated = deprecatedParts(row).join(',');
    const protocol = labelText({
      era: row.protocol_era ?? 'unknown',
      version: row.protocol_version ?? '',
      transport: row.protocol,
    });
    const group = `${protocol},deprecated="${deprecated === '' ? 'false' : 'true'}"`;
    byProtocol.set(group, (byProtocol.get(group) ?? 0) + 1);
    counts.set(row.health_status, (counts.get(row.health_status) ?? 0) + 1);
    const server = labelText({ server: row.name });
    out.status += sample(FAMILIES.status[0], `${server},status="${row.health_status}"`, 1);
    out.circuit += sample(FAMILIES.circuit[0], `${server},state="${row.circuit_state}"`, 1);
    out.failures += sample(FAMILIES.failures[0], server, row.consecutive_failures);
    out.cycles += sample(FAMILIES.cycles[0], server, row.failure_cycles);
    out.protocol += sample(
      FAMILIES.protocol[0],
      `${server},${protocol},deprecated="${deprecated}"`,
      1,
    );
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
  for (const [labels, count] of byProtocol) {
    out.byProtocol += sample(FAMILIES.byProtocol[0], labels, count);
  }
  return Object.values(out).join('');
}
