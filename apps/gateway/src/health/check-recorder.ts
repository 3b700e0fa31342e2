import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type CircuitBreakerSettings,
  deriveHealthStatus,
  type ErrorKind,
  type HealthCheckSettings,
  type HealthStatus,
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
import { AlertCatalog } from '../alerts/alert-catalog';
import { AlertStager, type ServerSignal } from '../alerts/alert-stager';
import { breakerStepEvents, healthCheckEvent } from './server-events';
import { connectionLost, type ProbeOutcome } from './health-probe';

export interface RecordedCheck {
  row: McpServerEntity;
  decision: BreakerDecision;
  /** Published by the caller once the transaction has committed. */
  events: NewEvent[];
}

/** What a tool call tells the breaker: the server answered, or the call failed with a kind. */
export type CallOutcome =
  { ok: true } | { ok: false; errorKind: ErrorKind; error: string; needsAuthorization?: boolean };

type Submission = (
  { origin: 'check'; outcome: ProbeOutcome } | { origin: 'call'; outcome: CallOutcome }
) & {
  /** The breaker generation the check or call was admitted in. */
  generation: number;
  at: Date;
  done: (result: RecordedCheck | null) => void;
  failed: (error: unknown) => void;
};

interface Settings {
  breaker: CircuitBreakerSettings;
  health: HealthCheckSettings;
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
    auth_required: row.auth_required,
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
    private readonly alerts: AlertStager,
    private readonly catalog: AlertCatalog,
  ) {}

  /**
   * A check's outcome. Resolves once committed with the row as it stood after it, or null when
   * the server was deleted or disabled meanwhile.
   */
  recordCheck(
    serverId: string,
    outcome: ProbeOutcome,
    at: Date,
    generation: number,
  ): Promise<RecordedCheck | null> {
    return this.submit(serverId, { origin: 'check', outcome, at, generation });
  }

  /**
   * A tool call's outcome: breaker input only. Null when it changed nothing (server deleted or
   * disabled, or admitted in an earlier breaker generation).
   */
  recordCall(
    serverId: string,
    outcome: CallOutcome,
    at: Date,
    generation: number,
  ): Promise<RecordedCheck | null> {
    return this.submit(serverId, { origin: 'call', outcome, at, generation });
  }

  private submit(
    serverId: string,
    entry: Omit<Submission, 'done' | 'failed'>,
  ): Promise<RecordedCheck | null> {
    return new Promise((done, failed) => {
      const submission = { ...entry, done, failed } as Submission;
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
        s.outcome.ok
          ? s
          : ({ ...s, outcome: { ...s.outcome, error: `${s.outcome.errorKind}` } } as Submission),
      );
      return this.write(serverId, plain);
    }
  }

  private async write(serverId: string, batch: Submission[]): Promise<(RecordedCheck | null)[]> {
    const [breaker, health] = await Promise.all([
      this.config.get('circuit_breaker'),
      this.config.get('health_check'),
    ]);
    const settings: Settings = { breaker, health };
    // Read before the transaction: inside it, a second pooled connection could never come.
    const alerts = await this.catalog.snapshot();
    return this.repo.manager.transaction(async (tx) => {
      const row = await tx.findOne(McpServerEntity, {
        where: { id: serverId },
        lock: { mode: 'pessimistic_write' },
      });
      // Deleted or disabled while the check ran: nothing to record.
      if (!row || row.status !== 'active') return batch.map(() => null);
      const subject = { id: row.id, name: row.name };
      // SPEC §12: a maintenance window holds alerts and keeps the breaker from auto-disabling.
      const held = alerts.inMaintenance(subject, batch[0].at);
      const own: Settings = held
        ? { ...settings, breaker: { ...settings.breaker, auto_disable_enabled: false } }
        : settings;
      const before = checkColumns(row, breakerStateOf(row));
      const logs: Partial<HealthLogEntity>[] = [];
      const results: (RecordedCheck | null)[] = [];
      const signals: ServerSignal[] = [];
      for (const submission of batch) {
        const wasFailing = row.consecutive_failures > 0 || row.circuit_state !== 'closed';
        // Disabled by an earlier outcome of this batch: the rest change nothing.
        const applied =
          row.status !== 'active'
            ? null
            : submission.origin === 'check'
              ? this.applyCheck(row, submission.outcome, submission, own, logs)
              : this.applyCall(row, submission.outcome, submission, own, logs);
        results.push(applied);
        if (applied) {
          signals.push({
            at: submission.at,
            checkOk: submission.origin === 'check' ? submission.outcome.ok : null,
            wasFailing,
            circuitOpen: row.circuit_state !== 'closed',
            lastError: row.last_error,
            events: applied.events,
          });
        }
      }
      const after = checkColumns(row, breakerStateOf(row));
      // An UPDATE of the columns a check owns: save() would reload the row to diff it first.
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        await tx.update(McpServerEntity, { id: row.id }, after);
      }
      if (logs.length > 0) await tx.insert(HealthLogEntity, logs);
      // Notifications are written with the change that causes them (SPEC §12, the outbox).
      for (const signal of signals) await this.alerts.stageServer(tx, alerts, subject, signal);
      return results;
    });
  }

  /** A check onto the locked row (in place): its own facts, then the breaker step. */
  private applyCheck(
    row: McpServerEntity,
    outcome: ProbeOutcome,
    { at, generation }: Submission,
    settings: Settings,
    logs: Partial<HealthLogEntity>[],
  ): RecordedCheck {
    // The last check succeeded and this one lost the connection: `disconnected` is logged.
    const disconnected =
      !outcome.ok &&
      connectionLost(outcome.errorKind) &&
      row.last_success_at !== null &&
      row.last_success_at.getTime() === row.last_health_check?.getTime();
    const step = breakerStep(row, outcome, at, generation, settings.breaker);
    row.last_health_check = at;
    if (outcome.ok) {
      row.last_response_time_ms = outcome.responseTimeMs;
      if (outcome.protocol) {
        row.protocol_era = outcome.protocol.era;
        row.protocol_version = outcome.protocol.version;
      }
    }
    settle(row, step, at, settings.health, true);
    row.claimed_by = null;
    row.claimed_at = null;
    row.checked_by = this.replica.id;
    logs.push(
      ...stepLogs(row, step.decision, at, [
        ...(outcome.ok && outcome.sessionOpened
          ? [logEntry(row, at, { event_type: 'connected' })]
          : []),
        ...(disconnected
          ? [
              logEntry(row, at, {
                event_type: 'disconnected',
                error_message: outcome.error.slice(0, 2_000),
                error_kind: outcome.errorKind,
              }),
            ]
          : []),
        logEntry(row, at, {
          event_type: 'health_check',
          response_time_ms: outcome.ok ? outcome.responseTimeMs : null,
          error_message: outcome.ok ? null : outcome.error.slice(0, 2_000),
          error_kind: outcome.ok ? null : outcome.errorKind,
        }),
      ]),
    );
    const quiet = outcome.ok ? 'check succeeded' : `check failed: ${failureWords(outcome)}`;
    return this.recorded(row, step, [healthCheckEvent(row, outcome)], quiet, settings);
  }

  /**
   * A tool call onto the locked row (in place): the breaker step and the facts it shares with a
   * check. One admitted in an earlier breaker generation is moot.
   */
  private applyCall(
    row: McpServerEntity,
    outcome: CallOutcome,
    { at, generation }: Submission,
    settings: Settings,
    logs: Partial<HealthLogEntity>[],
  ): RecordedCheck | null {
    if (!outcomeCounts(breakerStateOf(row), generation)) return null;
    const step = breakerStep(row, outcome, at, generation, settings.breaker);
    const moved =
      step.decision.state.circuit_state !== step.previous.circuit_state ||
      step.decision.state.status !== step.previous.status;
    settle(row, step, at, settings.health, moved);
    logs.push(...stepLogs(row, step.decision, at, []));
    const quiet = outcome.ok ? 'tool call succeeded' : `tool call failed: ${failureWords(outcome)}`;
    return this.recorded(row, step, [], quiet, settings);
  }

  private recorded(
    row: McpServerEntity,
    step: Step,
    leading: NewEvent[],
    quietReason: string,
    settings: Settings,
  ): RecordedCheck {
    const events = breakerStepEvents(
      row,
      step.previousStatus,
      step.previous.circuit_state,
      step.decision,
      step.succeeded,
      quietReason,
      settings.breaker,
    );
    return {
      row: Object.assign(Object.create(McpServerEntity.prototype) as McpServerEntity, row),
      decision: step.decision,
      events: [...leading, ...events],
    };
  }
}

interface Step {
  previous: BreakerState;
  previousStatus: HealthStatus;
  decision: BreakerDecision;
  succeeded: boolean;
}

/**
 * The step checks and calls share: the breaker decides (an outcome from an earlier generation
 * moves nothing), and what the server did is written whether or not it moved the breaker.
 */
function breakerStep(
  row: McpServerEntity,
  outcome: CallOutcome | ProbeOutcome,
  at: Date,
  generation: number,
  settings: CircuitBreakerSettings,
): Step {
  const previous = breakerStateOf(row);
  const previousStatus = row.health_status;
  // SPEC §11: a server waiting for an operator's authorization did not fail; the breaker is
  // left where it was, so it is never opened or auto-disabled for it.
  const waiting = !outcome.ok && outcome.needsAuthorization === true;
  row.auth_required = waiting;
  const decision: BreakerDecision =
    outcomeCounts(previous, generation) && !waiting
      ? onCheckResult(previous, outcome.ok, at.getTime(), settings)
      : { state: previous, events: [], downtimeEndedSeconds: 0 };
  withBreakerState(row, decision.state);
  if (outcome.ok) {
    row.last_success_at = at;
    row.last_error = null;
    row.last_error_kind = null;
  } else {
    row.last_error = outcome.error.slice(0, 2_000);
    row.last_error_kind = outcome.errorKind;
    row.error_count += 1;
  }
  return { previous, previousStatus, decision, succeeded: outcome.ok };
}

/** After the step: downtime, the recovery time, the derived status and, if asked, the next check. */
function settle(
  row: McpServerEntity,
  { decision }: Step,
  at: Date,
  health: HealthCheckSettings,
  reschedule: boolean,
): void {
  row.total_downtime_seconds += decision.downtimeEndedSeconds;
  if (decision.events.some((e) => e.type === 'recovery_attempt')) row.last_recovery_attempt = at;
  row.health_status = deriveHealthStatus(row);
  if (reschedule) {
    const due = nextCheckAt(decision.state, at.getTime(), health, (m) => Math.random() * m);
    row.next_check_at = due === null ? null : new Date(due);
  }
}

function failureWords(outcome: { errorKind: ErrorKind; needsAuthorization?: boolean }): string {
  return outcome.needsAuthorization ? 'authorization needed' : outcome.errorKind;
}

function logEntry(
  row: McpServerEntity,
  at: Date,
  fields: Partial<HealthLogEntity>,
): Partial<HealthLogEntity> {
  return {
    server_id: row.id,
    status: row.health_status,
    response_time_ms: null,
    error_message: null,
    error_kind: null,
    created_at: at,
    ...fields,
  };
}

/**
 * The health-log rows of a breaker step, around what the check itself logs (`own`): a recovery
 * attempt first (it enters half-open, which shows as unhealthy whatever the probe then does),
 * the breaker's other transitions last.
 */
function stepLogs(
  row: McpServerEntity,
  decision: BreakerDecision,
  at: Date,
  own: Partial<HealthLogEntity>[],
): Partial<HealthLogEntity>[] {
  const attempt = decision.events.filter((e) => e.type === 'recovery_attempt');
  const after = decision.events.filter((e) => e.type !== 'recovery_attempt');
  return [
    ...attempt.map((e) =>
      logEntry(row, at, { event_type: e.type, status: 'unhealthy', error_message: e.message }),
    ),
    ...own,
    ...after.map((e) => logEntry(row, at, { event_type: e.type, error_message: e.message })),
  ];
}
