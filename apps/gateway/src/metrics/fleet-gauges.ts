import {
  HEALTH_STATUSES,
  type CircuitState,
  type HealthStatus,
  type McpServerView,
} from '@omni2/contracts';
import { Gauge, type Registry } from 'prom-client';

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

/**
 * Gauges describing the fleet as the database has it, recomputed from scratch at every scrape:
 * a deleted server's series disappear with it, and every replica reports the same values.
 * Status and circuit state are one series per server labelled with the current value, so a
 * server never has two statuses at once and the series count stays one per server.
 */
export class FleetGauges {
  private readonly servers: Gauge;
  private readonly status: Gauge;
  private readonly circuit: Gauge;
  private readonly failures: Gauge;
  private readonly cycles: Gauge;
  private readonly lastCheck: Gauge;
  private readonly responseTime: Gauge;

  constructor(registry: Registry) {
    const gauge = (name: string, help: string, labelNames: string[]) =>
      new Gauge({ name, help, labelNames, registers: [registry] });
    this.servers = gauge('omni2_servers', 'Registered servers by health status', ['status']);
    this.status = gauge(
      'omni2_server_health_status',
      'Health status of each server: 1 for its current status (unknown, healthy, unhealthy, circuit_open, disabled)',
      ['server', 'status'],
    );
    this.circuit = gauge(
      'omni2_server_circuit_state',
      'Circuit breaker state of each server: 1 for its current state (closed, open, half_open)',
      ['server', 'state'],
    );
    this.failures = gauge(
      'omni2_server_consecutive_failures',
      'Consecutive failed checks of each server',
      ['server'],
    );
    this.cycles = gauge(
      'omni2_server_failure_cycles',
      'Failed recoveries (half-open to open) of each server since it was last healthy',
      ['server'],
    );
    this.lastCheck = gauge(
      'omni2_server_last_check_timestamp_seconds',
      'When each server was last checked (Unix time); absent when never checked',
      ['server'],
    );
    this.responseTime = gauge(
      'omni2_server_response_time_seconds',
      'Response time of the last successful check of each server',
      ['server'],
    );
  }

  update(rows: readonly FleetRow[]): void {
    for (const g of [this.status, this.circuit, this.failures, this.cycles]) g.reset();
    for (const g of [this.lastCheck, this.responseTime, this.servers]) g.reset();
    const counts = new Map<HealthStatus, number>(HEALTH_STATUSES.map((s) => [s, 0]));
    for (const row of rows) {
      const server = row.name;
      counts.set(row.health_status, (counts.get(row.health_status) ?? 0) + 1);
      this.status.set({ server, status: row.health_status }, 1);
      this.circuit.set({ server, state: row.circuit_state satisfies CircuitState }, 1);
      this.failures.set({ server }, row.consecutive_failures);
      this.cycles.set({ server }, row.failure_cycles);
      if (row.last_health_check !== null) {
        this.lastCheck.set({ server }, Date.parse(row.last_health_check) / 1_000);
      }
      if (row.last_response_time_ms !== null) {
        this.responseTime.set({ server }, row.last_response_time_ms / 1_000);
      }
    }
    for (const [status, count] of counts) this.servers.set({ status }, count);
  }
}
