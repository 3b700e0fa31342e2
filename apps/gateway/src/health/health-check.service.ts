import { Injectable, Logger } from '@nestjs/common';
import type { BulkHealthCheckResult, HealthCheckResult } from '@omni2/contracts';
import { Clock } from '../common/clock';
import { mapWithConcurrency } from '../common/concurrency';
import { ConnectionManager } from '../connections/connection-manager';
import { DomainError } from '../common/domain-error';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { EventStream } from '../events/event-stream';
import { Metrics } from '../metrics/metrics';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryService } from '../registry/registry.service';
import { type CallOutcome, CheckRecorder, type RecordedCheck } from './check-recorder';
import { CircuitGate, type Ticket } from '../breaker/circuit-gate';
import { CriticalAlerts } from './critical-alerts';
import { HealthProbe } from './health-probe';

/**
 * One health check end to end: probe, record through the breaker, publish. The scheduled loop
 * and the on-demand routes run exactly this path.
 */
@Injectable()
export class HealthCheckService {
  private readonly log = new Logger('health');

  constructor(
    private readonly registry: RegistryService,
    private readonly probe: HealthProbe,
    private readonly recorder: CheckRecorder,
    private readonly config: RuntimeConfigService,
    private readonly events: EventStream,
    private readonly alerts: CriticalAlerts,
    private readonly connections: ConnectionManager,
    private readonly metrics: Metrics,
    private readonly gate: CircuitGate,
    private readonly clock: Clock,
  ) {}

  /** Checks one server now. `reload` closes the session first and refetches capabilities. */
  async check(ref: string, reload = false): Promise<HealthCheckResult> {
    const row = await this.registry.find(ref);
    if (row.status !== 'active') {
      throw new DomainError(
        'SERVER_DISABLED',
        `status: server "${row.name}" is disabled (${row.disabled_reason ?? 'manual'}); enable it to check`,
      );
    }
    const timeoutMs = (await this.config.get('health_check')).timeout_seconds * 1_000;
    // An early check would count as a recovery attempt and could end in auto-disable.
    const ticket = await this.gate.admitOrThrow(row, '; reset the circuit to check it now');
    return this.checkAdmitted(row, ticket, timeoutMs, reload);
  }

  /**
   * Checks every active server whose circuit lets a check through; open circuits wait for their
   * period, and recovering ones whose probes are all in flight are left to those probes.
   */
  async checkAll(): Promise<BulkHealthCheckResult> {
    const settings = await this.config.get('health_check');
    const active = await this.registry.activeServers();
    // Each is admitted when its turn comes, so no ticket waits (or is lost) in a queue.
    const outcomes = await mapWithConcurrency(active, settings.concurrency, async (row) => {
      const ticket = await this.gate.admit(row);
      return ticket
        ? this.checkAdmitted(row, ticket, settings.timeout_seconds * 1_000, false)
        : null;
    });
    const results = outcomes.filter((r): r is HealthCheckResult => r !== null);
    const healthy = results.filter((r) => r.ok).length;
    return {
      checked: results.length,
      healthy,
      failed: results.length - healthy,
      skipped_circuit_open: active.length - results.length,
      results,
    };
  }

  /**
   * The scheduled check of a claimed server. One the circuit does not admit now is put back: an
   * open circuit until its period ends, a recovering one whose probes are all in flight for a
   * check timeout, by when those probes have spoken.
   */
  async run(row: McpServerEntity, timeoutMs: number): Promise<HealthCheckResult | null> {
    const admission = await this.gate.admission(row);
    if (admission.admitted) return this.checkAdmitted(row, admission.ticket, timeoutMs, false);
    const until = admission.retryAt ?? this.clock.now() + timeoutMs;
    await this.recorder.postpone(row.id, new Date(until));
    return null;
  }

  /**
   * A tool call's outcome through the same breaker (SPEC §2). Failures always count; a success
   * is recorded only while the breaker has something to forget (failures counted, or
   * recovering), so the healthy path of a tool call writes nothing.
   */
  async recordCall(row: McpServerEntity, ticket: Ticket, outcome: CallOutcome): Promise<void> {
    const clean = row.circuit_state === 'closed' && row.consecutive_failures === 0;
    if (outcome.ok && clean) return;
    const recorded = await this.recorder.recordCall(
      row.id,
      outcome,
      new Date(this.clock.now()),
      ticket.generation,
    );
    if (recorded) await this.afterRecord(recorded);
  }

  private async afterRecord(recorded: RecordedCheck): Promise<void> {
    this.registry.noteLiveChange(recorded.row);
    await this.events.publish(recorded.events);
    if (recorded.decision.events.some((e) => e.type === 'circuit_opened')) {
      await this.alerts.circuitOpened();
    }
    if (recorded.row.status === 'inactive') await this.connections.drop(recorded.row.id);
  }

  private async checkAdmitted(
    row: McpServerEntity,
    ticket: Ticket,
    timeoutMs: number,
    reload: boolean,
  ): Promise<HealthCheckResult> {
    const outcome = await this.metrics
      .timeCheck(row.name, () => this.probe.probe(row, timeoutMs, reload))
      .finally(() => ticket.release());
    this.log.debug(
      `checked ${row.name}: ${outcome.ok ? 'ok' : `${outcome.errorKind}: ${outcome.error}`}`,
    );
    const at = new Date(this.clock.now());
    const recorded = await this.recorder.recordCheck(row.id, outcome, at, ticket.generation);
    if (recorded) await this.afterRecord(recorded);
    const saved = recorded?.row ?? row;
    return {
      server_id: row.id,
      name: row.name,
      ok: outcome.ok,
      response_time_ms: outcome.ok ? outcome.responseTimeMs : null,
      error: outcome.ok ? null : outcome.error,
      error_kind: outcome.ok ? null : outcome.errorKind,
      probe: outcome.probe,
      checked_at: at.toISOString(),
      health_status: saved.health_status,
      consecutive_failures: saved.consecutive_failures,
    };
  }
}
