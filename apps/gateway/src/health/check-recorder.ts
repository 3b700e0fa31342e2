import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { deriveHealthStatus, type HealthStatus, type NewEvent } from '@omni2/contracts';
import type { EntityManager, Repository } from 'typeorm';
import {
  type BreakerDecision,
  type BreakerState,
  nextCheckAt,
  onCheckResult,
} from '../breaker/breaker';
import { ReplicaIdentity } from '../common/replica-identity';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { HealthLogEntity } from '../health-log/health-log.entity';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { breakerColumns, breakerStateOf, withBreakerState } from './breaker-row';
import { eventsForCheck } from './check-events';
import { connectionLost, type ProbeOutcome } from './health-probe';

export interface RecordedCheck {
  row: McpServerEntity;
  previousStatus: HealthStatus;
  decision: BreakerDecision;
  /** Published by the caller once the transaction has committed. */
  events: NewEvent[];
}

/** The columns a check writes: the breaker's and the check's own. */
function checkColumns(row: McpServerEntity, state: BreakerState): Partial<McpServerEntity> {
  return {
    ...breakerColumns(state),
    last_health_check: row.last_health_check,
    last_success_at: row.last_success_at,
    last_response_time_ms: row.last_response_time_ms,
    last_error: row.last_error,
    last_error_kind: row.last_error_kind,
    error_count: row.error_count,
    total_downtime_seconds: row.total_downtime_seconds,
    last_recovery_attempt: row.last_recovery_attempt,
    health_status: row.health_status,
    next_check_at: row.next_check_at,
    claimed_by: row.claimed_by,
    claimed_at: row.claimed_at,
    checked_by: row.checked_by,
  };
}

/**
 * Applies a check's outcome: the breaker decides, and the row, its health-log rows and the next
 * check time are written in one transaction holding the row lock, so one writer per server.
 */
@Injectable()
export class CheckRecorder {
  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly config: RuntimeConfigService,
    private readonly replica: ReplicaIdentity,
  ) {}

  /**
   * `origin` 'call': a tool call's outcome fed to the same breaker (SPEC §2). It moves the
   * breaker and writes its transitions, but is not a check: no `health_check` row or event, and
   * the check schedule moves only when the circuit or status did.
   */
  async record(
    serverId: string,
    outcome: ProbeOutcome,
    at: Date,
    origin: 'check' | 'call' = 'check',
  ): Promise<RecordedCheck | null> {
    const isCheck = origin === 'check';
    const [breaker, health] = await Promise.all([
      this.config.get('circuit_breaker'),
      this.config.get('health_check'),
    ]);
    return this.repo.manager.transaction(async (tx) => {
      const row = await tx.findOne(McpServerEntity, {
        where: { id: serverId },
        lock: { mode: 'pessimistic_write' },
      });
      // Deleted or disabled while the check ran: nothing to record.
      if (!row || row.status !== 'active') return null;
      const previousStatus = row.health_status;
      const previousState: BreakerState = breakerStateOf(row);
      // The last check succeeded and this one lost the connection: `disconnected` is logged.
      const disconnected =
        isCheck &&
        !outcome.ok &&
        connectionLost(outcome.errorKind) &&
        row.last_success_at !== null &&
        row.last_success_at.getTime() === row.last_health_check?.getTime();
      const decision = onCheckResult(previousState, outcome.ok, at.getTime(), breaker);
      withBreakerState(row, decision.state);
      if (isCheck) row.last_health_check = at;
      if (outcome.ok) {
        row.last_success_at = at;
        if (isCheck) row.last_response_time_ms = outcome.responseTimeMs;
        row.last_error = null;
        row.last_error_kind = null;
      } else {
        row.last_error = outcome.error.slice(0, 2_000);
        row.last_error_kind = outcome.errorKind;
        row.error_count += 1;
      }
      row.total_downtime_seconds += decision.downtimeEndedSeconds;
      if (decision.events.some((e) => e.type === 'recovery_attempt'))
        row.last_recovery_attempt = at;
      row.health_status = deriveHealthStatus(row);
      const moved =
        decision.state.circuit_state !== previousState.circuit_state ||
        decision.state.status !== previousState.status;
      if (isCheck || moved) {
        const due = nextCheckAt(decision.state, at.getTime(), health, (m) => Math.random() * m);
        row.next_check_at = due === null ? null : new Date(due);
      }
      if (isCheck) {
        row.claimed_by = null;
        row.claimed_at = null;
        row.checked_by = this.replica.id;
      }
      // An UPDATE of the columns a check owns: save() would reload the row to diff it first.
      await tx.update(McpServerEntity, { id: row.id }, checkColumns(row, decision.state));
      await this.writeLog(tx, row, outcome, decision, at, disconnected, isCheck);
      const events = eventsForCheck(row, previousStatus, previousState, decision, outcome, breaker);
      return {
        row,
        previousStatus,
        decision,
        events: isCheck ? events : events.filter((e) => e.type !== 'mcp_health_check'),
      };
    });
  }

  private async writeLog(
    tx: EntityManager,
    row: McpServerEntity,
    outcome: ProbeOutcome,
    decision: BreakerDecision,
    at: Date,
    disconnected: boolean,
    isCheck: boolean,
  ): Promise<void> {
    const entry = (fields: Partial<HealthLogEntity>): Partial<HealthLogEntity> => ({
      server_id: row.id,
      status: row.health_status,
      response_time_ms: null,
      error_message: null,
      error_kind: null,
      created_at: at,
      ...fields,
    });
    const attempt = decision.events.filter((e) => e.type === 'recovery_attempt');
    const after = decision.events.filter((e) => e.type !== 'recovery_attempt');
    const rows: Partial<HealthLogEntity>[] = [
      // The attempt enters half-open, which shows as unhealthy whatever the probe then does.
      ...attempt.map((e) =>
        entry({ event_type: e.type, status: 'unhealthy', error_message: e.message }),
      ),
      ...(isCheck && outcome.sessionOpened && outcome.ok
        ? [entry({ event_type: 'connected' })]
        : []),
      ...(disconnected && !outcome.ok
        ? [
            entry({
              event_type: 'disconnected',
              error_message: outcome.error.slice(0, 2_000),
              error_kind: outcome.errorKind,
            }),
          ]
        : []),
      ...(isCheck
        ? [
            entry({
              event_type: 'health_check',
              response_time_ms: outcome.ok ? outcome.responseTimeMs : null,
              error_message: outcome.ok ? null : outcome.error.slice(0, 2_000),
              error_kind: outcome.ok ? null : outcome.errorKind,
            }),
          ]
        : []),
      ...after.map((e) => entry({ event_type: e.type, error_message: e.message })),
    ];
    if (rows.length > 0) await tx.insert(HealthLogEntity, rows);
  }
}
