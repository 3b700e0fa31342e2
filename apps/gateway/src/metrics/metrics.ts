import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '@omni2/contracts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DomainError } from '../common/domain-error';
import { ServerCounter, ServerHistogram } from './server-series';

/**
 * Seconds: a ping on a live session (ms), a new session (~100 ms), slow, and the timeout region.
 * Few buckets on purpose: this family has a series per server, and each bucket is a line per
 * server in every scrape.
 */
const CHECK_BUCKETS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10];
const TOOL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const TICK_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const BATCH_BUCKETS = [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000];

export const TOOL_OUTCOMES = [
  'ok',
  'tool_error',
  'timeout',
  'failed',
  'circuit_open',
  'rejected',
  /** The caller cancelled the run before the server answered. */
  'cancelled',
] as const;
export type ToolOutcome = (typeof TOOL_OUTCOMES)[number];

/**
 * The metrics this replica records as things happen. Per-server series are labelled with the
 * server name only (never a URL, an argument or a user), so cardinality is bounded by the fleet,
 * and are kept in ServerCounter/ServerHistogram, which render fast at 1,000s of servers;
 * replica-wide ones and the process defaults live in a prom-client registry of the app's own
 * (several apps may share a test process). Fleet gauges are computed at scrape (MetricsScrape).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly checkDuration = new ServerHistogram(
    'omni2_health_check_duration_seconds',
    'Health checks run by this replica: wall time of the probe (connect when needed, ping, capability refresh)',
    CHECK_BUCKETS,
  );

  readonly toolExecutions = new ServerCounter(
    'omni2_tool_executions_total',
    'Tool executions handled by this replica, by outcome',
  );

  readonly toolDuration = new ServerHistogram(
    'omni2_tool_execution_duration_seconds',
    'Tool executions handled by this replica, by outcome: time from the server lookup to the answer',
    TOOL_BUCKETS,
  );

  readonly breakerTransitions = new ServerCounter(
    'omni2_breaker_transitions_total',
    'Circuit breaker transitions seen on the event stream (every replica sees the whole fleet)',
  );

  private readonly perServer = [
    this.checkDuration,
    this.toolExecutions,
    this.toolDuration,
    this.breakerTransitions,
  ];

  readonly streamLag = new Histogram({
    name: 'omni2_event_stream_lag_seconds',
    help: 'From an event being published (any replica) to its receipt by this replica',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  readonly tickDuration = new Histogram({
    name: 'omni2_coordinator_tick_duration_seconds',
    help: 'Completed coordinator ticks on this replica: heartbeat and claim of due servers (failed ticks are logged)',
    buckets: TICK_BUCKETS,
    registers: [this.registry],
  });

  readonly claimed = new Histogram({
    name: 'omni2_coordinator_claimed_servers',
    help: 'Servers claimed per coordinator tick on this replica',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  readonly auditPending = new Gauge({
    name: 'omni2_audit_pending_entries',
    help: 'Audit entries accepted by this replica and not yet in the database',
    registers: [this.registry],
  });

  readonly auditOldestPending = new Gauge({
    name: 'omni2_audit_oldest_pending_seconds',
    help: 'Age of the oldest audit entry waiting to be written (0 when none waits)',
    registers: [this.registry],
  });

  readonly auditWritten = new Counter({
    name: 'omni2_audit_entries_written_total',
    help: 'Audit entries this replica wrote to the database',
    registers: [this.registry],
  });

  readonly auditWriteFailures = new Counter({
    name: 'omni2_audit_write_failures_total',
    help: 'Failed audit writes, by reason: unavailable (retried) or refused_row (rewritten alone)',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  readonly auditRefusedRequests = new Counter({
    name: 'omni2_audit_refused_requests_total',
    help: 'Audited requests refused (503) because the audit backlog was full: the action did not run',
    registers: [this.registry],
  });

  readonly auditLost = new Counter({
    name: 'omni2_audit_entries_lost_total',
    help: 'Audit entries never written: still waiting when the process exited, or refused by the database in every form',
    registers: [this.registry],
  });

  readonly notificationsSent = new Counter({
    name: 'omni2_notifications_sent_total',
    help: 'Notifications this replica delivered, by channel kind (SPEC §12)',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly notificationsFailed = new Counter({
    name: 'omni2_notifications_failed_total',
    help: 'Notifications given up as failed (refused, or out of retries), by channel kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly notificationAttemptsFailed = new Counter({
    name: 'omni2_notification_attempts_failed_total',
    help: 'Delivery attempts that failed and will be retried, by channel kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly notificationsPending = new Gauge({
    name: 'omni2_notifications_pending',
    help: 'Notifications waiting in the outbox (all replicas), by channel kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  notificationDelivered(kind: string, status: 'sent' | 'failed' | 'pending'): void {
    if (status === 'sent') this.notificationsSent.inc({ kind });
    else if (status === 'failed') this.notificationsFailed.inc({ kind });
    else this.notificationAttemptsFailed.inc({ kind });
  }

  /** Times a health check (its outcome shows in the status gauges). */
  async timeCheck<T>(server: string, check: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await check();
    } finally {
      this.checkDuration.observe(server, {}, (performance.now() - started) / 1_000);
    }
  }

  /** Times a tool execution and counts it by outcome; the result or error passes through. */
  async timeTool<T extends { is_error: boolean } | { status: 'cancelled' }>(
    server: string,
    run: () => Promise<T>,
  ) {
    const started = performance.now();
    let outcome: ToolOutcome = 'failed';
    try {
      const result = await run();
      outcome = !('is_error' in result) ? 'cancelled' : result.is_error ? 'tool_error' : 'ok';
      return result;
    } catch (error) {
      outcome = toolOutcomeOf(error);
      throw error;
    } finally {
      this.toolExecutions.inc(server, { outcome });
      this.toolDuration.observe(server, { outcome }, (performance.now() - started) / 1_000);
    }
  }

  tickCompleted(seconds: number, claimed: number): void {
    this.tickDuration.observe(seconds);
    this.claimed.observe(claimed);
  }

  breakerTransition(server: string, from: string, to: string): void {
    this.breakerTransitions.inc(server, { from, to });
  }

  /** Drops every series of servers that no longer exist (deleted or renamed). */
  forgetAllBut(existing: ReadonlySet<string>): void {
    for (const family of this.perServer) {
      for (const server of family.servers()) if (!existing.has(server)) family.forget(server);
    }
  }

  /** Replica-wide families and process defaults, then the per-server families. */
  async render(): Promise<string> {
    return (await this.registry.metrics()) + this.perServer.map((f) => f.render()).join('');
  }
}

const OUTCOME_BY_CODE: Partial<Record<ErrorCode, ToolOutcome>> = {
  UPSTREAM_TIMEOUT: 'timeout',
  CIRCUIT_OPEN: 'circuit_open',
  TOOL_NOT_FOUND: 'rejected',
  TOOL_ARGUMENTS_INVALID: 'rejected',
};

export function toolOutcomeOf(error: unknown): ToolOutcome {
  return error instanceof DomainError ? (OUTCOME_BY_CODE[error.code] ?? 'failed') : 'failed';
}
