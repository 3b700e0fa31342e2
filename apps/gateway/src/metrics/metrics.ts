import { Injectable } from '@nestjs/common';
import { CIRCUIT_STATES, type ErrorCode } from '@omni2/contracts';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DomainError } from '../common/domain-error';

/** Seconds: from a cached-session ping (ms) up to the longest check timeout worth telling apart. */
const CHECK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
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
] as const;
export type ToolOutcome = (typeof TOOL_OUTCOMES)[number];

/**
 * The metrics this replica records as things happen, on a registry of its own (several apps may
 * share a test process). Every per-server series is labelled with the server name only: never a
 * URL, an argument or a user, so cardinality is bounded by the fleet. Gauges that describe the
 * fleet are filled at scrape time by MetricsScrape from data the app already holds.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly checkDuration = new Histogram({
    name: 'omni2_health_check_duration_seconds',
    help: 'Health checks run by this replica: wall time of the probe (connect when needed, ping, capability refresh)',
    labelNames: ['server'],
    buckets: CHECK_BUCKETS,
    registers: [this.registry],
  });

  readonly toolExecutions = new Counter({
    name: 'omni2_tool_executions_total',
    help: 'Tool executions handled by this replica, by outcome',
    labelNames: ['server', 'outcome'],
    registers: [this.registry],
  });

  readonly toolDuration = new Histogram({
    name: 'omni2_tool_execution_duration_seconds',
    help: 'Tool executions handled by this replica: time from the server lookup to the answer',
    labelNames: ['server', 'outcome'],
    buckets: TOOL_BUCKETS,
    registers: [this.registry],
  });

  readonly breakerTransitions = new Counter({
    name: 'omni2_breaker_transitions_total',
    help: 'Circuit breaker transitions seen on the event stream (every replica sees the whole fleet)',
    labelNames: ['server', 'from', 'to'],
    registers: [this.registry],
  });

  readonly streamLag = new Histogram({
    name: 'omni2_event_stream_lag_seconds',
    help: 'From an event being published (any replica) to its receipt by this replica',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  readonly tickDuration = new Histogram({
    name: 'omni2_coordinator_tick_duration_seconds',
    help: 'Coordinator ticks on this replica: heartbeat and claim of due servers',
    buckets: TICK_BUCKETS,
    registers: [this.registry],
  });

  readonly claimed = new Histogram({
    name: 'omni2_coordinator_claimed_servers',
    help: 'Servers claimed per coordinator tick on this replica',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  /** Names with per-server series, so a removed server's series can be dropped. */
  private readonly labelled = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times a health check; `ok` in the result is not needed: status is a gauge of its own. */
  async timeCheck<T>(server: string, check: () => Promise<T>): Promise<T> {
    const stop = this.checkDuration.startTimer({ server });
    try {
      return await check();
    } finally {
      stop();
      this.labelled.add(server);
    }
  }

  /** Times a tool execution and counts it by outcome; the result or error passes through. */
  async timeTool<T extends { is_error: boolean }>(server: string, run: () => Promise<T>) {
    const started = performance.now();
    let outcome: ToolOutcome = 'failed';
    try {
      const result = await run();
      outcome = result.is_error ? 'tool_error' : 'ok';
      return result;
    } catch (error) {
      outcome = toolOutcomeOf(error);
      throw error;
    } finally {
      const labels = { server, outcome };
      this.toolExecutions.inc(labels);
      this.toolDuration.observe(labels, (performance.now() - started) / 1_000);
      this.labelled.add(server);
    }
  }

  tickCompleted(seconds: number, claimed: number): void {
    this.tickDuration.observe(seconds);
    this.claimed.observe(claimed);
  }

  breakerTransition(server: string, from: string, to: string): void {
    this.breakerTransitions.inc({ server, from, to });
    this.labelled.add(server);
  }

  /** Drops every series of servers that no longer exist (deleted or renamed). */
  forgetAllBut(existing: ReadonlySet<string>): void {
    for (const server of [...this.labelled]) {
      if (existing.has(server)) continue;
      this.labelled.delete(server);
      this.checkDuration.remove({ server });
      for (const outcome of TOOL_OUTCOMES) {
        this.toolExecutions.remove({ server, outcome });
        this.toolDuration.remove({ server, outcome });
      }
      for (const from of CIRCUIT_STATES) {
        for (const to of CIRCUIT_STATES) this.breakerTransitions.remove({ server, from, to });
      }
    }
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
