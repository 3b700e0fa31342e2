import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type CircuitBreakerSettings,
  deriveHealthStatus,
  type HealthCheckSettings,
  type NewEvent,
} from '@omni2/contracts';
import type { Repository } from 'typeorm';
import {
  type BreakerDecision,
  type BreakerState,
  nextCheckAt,
  onCheckResult,
  outcomeCounts,
} from '../breaker/breaker';
import { isRefusedValue } from '../common/database-errors';
import { ReplicaIdentity } from '../common/replica-identity';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { HealthLogEntity } from '../health-log/health-log.entity';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { breakerColumns, breakerStateOf, withBreakerState } from '../breaker/breaker-row';
import { eventsForCheck } from './check-events';
import { connectionLost, type ProbeOutcome } from './health-probe';

export interface RecordedCheck {
  row: McpServerEntity;
  decision: BreakerDecision;
  /** Published by the caller once the transaction has committed. */
  events: NewEvent[];
}

/** How the outcome came about: a check or a tool call, admitted in a breaker generation. */
export interface Admitted {
  origin: 'check' | 'call';
  generation: number;
}

interface Submission extends Admitted {
  outcome: ProbeOutcome;
  at: Date;
  done: (result: RecordedCheck | null) => void;
  failed: (error: unknown) => void;
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
    protocol_era: row.protocol_era,
    protocol_version: row.protocol_version,
  };
}

/**
 * Applies check and call outcomes: the breaker decides, and the row, its health-log rows and the
 * next check time are written in one transaction holding the row lock, so one writer per server.
 * Outcomes for one server that arrive while its write runs are applied together, in order, in
 * the next transaction: a burst of 200 failed calls is two writes, not 200 queued on one lock.
 * An outcome admitted in an earlier breaker generation does not move the breaker (a check's own
 * facts, its time and error, are still recorded).
 */
@Injectable()
export class CheckRecorder {
  private readonly queues = new Map<string, Submission[]>();

  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly config: RuntimeConfigService,
    private readonly replica: ReplicaIdentity,
  ) {}

  /**
   * Resolves once the outcome is committed with the row as it stood after it, or null when it
   * changed nothing (server deleted or disabled, or a call outcome from an earlier generation).
   */
  record(
    serverId: string,
    outcome: ProbeOutcome,
    at: Date,
    admitted: Admitted,
  ): Promise<RecordedCheck | null> {
    return new Promise((done, failed) => {
      const submission: Submission = { ...admitted, outcome, at, done, failed };
      const queue = this.queues.get(serverId);
      if (queue) {
        queue.push(submission);
        return;
      }
      this.queues.set(serverId, [submission]);
      void this.drain(serverId);
    });
  }

  /** A claimed check that did not run: released, due again at `until`. */
  async postpone(serverId: string, until: Date): Promise<void> {
    await this.repo.update(
      { id: serverId, status: 'active' },
      { next_check_at: until, claimed_by: null, claimed_at: null },
    );
  }

  private async drain(serverId: string): Promise<void> {
    for (;;) {
      const batch = this.queues.get(serverId) ?? [];
      if (batch.length === 0) {
        this.queues.delete(serverId);
        return;
      }
      this.queues.set(serverId, []);
      try {
        const results = await this.writeOrPlain(serverId, batch);
        batch.forEach((s, i) => s.done(results[i] ?? null));
      } catch (error) {
        for (const s of batch) s.failed(error);
      }
    }
  }

  /**
   * A value the database refuses (an error text no sanitising foresaw) must not cost the batch
   * its breaker decisions: it is written again with each failure reduced to its kind.
   */
  private async writeOrPlain(
    serverId: string,
    batch: Submission[],
  ): Promise<(RecordedCheck | null)[]> {
    try {
      return await this.write(serverId, batch);
    } catch (error) {
      if (!isRefusedValue(error)) throw error;
      const plain = batch.map((s) =>
        s.outcome.ok ? s : { ...s, outcome: { ...s.outcome, error: `${s.outcome.errorKind}` } },
      );
      return this.write(serverId, plain);
    }
  }

  private async write(serverId: string, batch: Submission[]): Promise<(RecordedCheck | null)[]> {
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
      if (!row || row.status !== 'active') return batch.map(() => null);
      const before = checkColumns(row, breakerStateOf(row));
      const logs: Partial<HealthLogEntity>[] = [];
      const results: (RecordedCheck | null)[] = [];
      for (const submission of batch) {
        // Disabled by an earlier outcome of this batch: the rest change nothing.
        const applied =
          row.status === 'active' ? this.apply(row, submission, breaker, health, logs) : null;
        results.push(applied);
      }
      const after = checkColumns(row, breakerStateOf(row));
      // An UPDATE of the columns a check owns: save() would reload the row to diff it first.
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        await tx.update(McpServerEntity, { id: row.id }, after);
      }
      if (logs.length > 0) await tx.insert(HealthLogEntity, logs);
      return results;
    });
  }

  /** One outcome onto the locked row (in place); returns its result, or null if it is moot. */
  private apply(
    row: McpServerEntity,
    { outcome, at, origin, generation }: Submission,
    breaker: CircuitBreakerSettings,
    health: HealthCheckSettings,
    logs: Partial<HealthLogEntity>[],
  ): RecordedCheck | null {
    const isCheck = origin === 'check';
    const previousState = breakerStateOf(row);
    const counts = outcomeCounts(previousState, generation);
    // A call only matters to the breaker: from an earlier generation it changes nothing.
    if (!isCheck && !counts) return null;
    const previousStatus = row.health_status;
    // The last check succeeded and this one lost the connection: `disconnected` is logged.
    const disconnected =
      isCheck &&
      !outcome.ok &&
      connectionLost(outcome.errorKind) &&
      row.last_success_at !== null &&
      row.last_success_at.getTime() === row.last_health_check?.getTime();
    const decision: BreakerDecision = counts
      ? onCheckResult(previousState, outcome.ok, at.getTime(), breaker)
      : { state: previousState, events: [], downtimeEndedSeconds: 0 };
    withBreakerState(row, decision.state);
    if (isCheck) row.last_health_check = at;
    // What the check itself saw is recorded whether or not it moved the breaker.
    if (outcome.ok) {
      row.last_success_at = at;
      if (isCheck) row.last_response_time_ms = outcome.responseTimeMs;
      if (outcome.protocol) {
        row.protocol_era = outcome.protocol.era;
        row.protocol_version = outcome.protocol.version;
      }
      row.last_error = null;
      row.last_error_kind = null;
    } else {
      row.last_error = outcome.error.slice(0, 2_000);
      row.last_error_kind = outcome.errorKind;
      row.error_count += 1;
    }
    row.total_downtime_seconds += decision.downtimeEndedSeconds;
    if (decision.events.some((e) => e.type === 'recovery_attempt')) row.last_recovery_attempt = at;
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
    logs.push(...logRows(row, outcome, decision, at, disconnected, isCheck));
    const events = eventsForCheck(row, previousStatus, previousState, decision, outcome, breaker);
    return {
      row: Object.assign(Object.create(McpServerEntity.prototype) as McpServerEntity, row),
      decision,
      events: isCheck ? events : events.filter((e) => e.type !== 'mcp_health_check'),
    };
  }
}

function logRows(
  row: McpServerEntity,
  outcome: ProbeOutcome,
  decision: BreakerDecision,
  at: Date,
  disconnected: boolean,
  isCheck: boolean,
): Partial<HealthLogEntity>[] {
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
  return [
    // The attempt enters half-open, which shows as unhealthy whatever the probe then does.
    ...attempt.map((e) =>
      entry({ event_type: e.type, status: 'unhealthy', error_message: e.message }),
    ),
    ...(isCheck && outcome.sessionOpened && outcome.ok ? [entry({ event_type: 'connected' })] : []),
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
}
