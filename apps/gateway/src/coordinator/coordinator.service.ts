import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AlertCatalog } from '../alerts/alert-catalog';
import { AlertStager } from '../alerts/alert-stager';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { ReplicaIdentity } from '../common/replica-identity';
import { AppEnv } from '../config/env.schema';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { withDeadline } from '../connections/deadline';
import { EventStream } from '../events/event-stream';
import { HealthLogService } from '../health-log/health-log.service';
import { HealthCheckService } from '../health/health-check.service';
import { Metrics } from '../metrics/metrics';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { ClaimStore } from './claim-store';

const TICK = 'coordinator-tick';
const WATCHDOG = 'coordinator-watchdog';
const PRUNE = 'health-log-prune';
const CLAIM_DEADLINE_MS = 5_000;
const SHUTDOWN_GRACE_MS = 5_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export interface CoordinatorStatus {
  enabled: boolean;
  replica_id: string;
  last_tick_at: string | null;
  stalled: boolean;
  in_flight: number;
  restarts: number;
}

/**
 * The scheduled loop (SPEC §3): each tick claims due servers up to the free concurrency, checks
 * them without blocking the next tick, and records through the breaker. A watchdog restarts a
 * tick that has stalled and raises an alert.
 */
@Injectable()
export class CoordinatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('coordinator');
  private readonly inFlight = new Set<Promise<void>>();
  private ticking = false;
  private tickStartedAt = 0;
  private lastTickAt: number | null = null;
  private restarts = 0;
  private running = false;
  /** The last claim filled every free slot, so more servers are probably due. */
  private backlog = false;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly claims: ClaimStore,
    private readonly checks: HealthCheckService,
    private readonly config: RuntimeConfigService,
    private readonly events: EventStream,
    private readonly healthLog: HealthLogService,
    private readonly env: AppEnv,
    private readonly clock: Clock,
    private readonly replica: ReplicaIdentity,
    private readonly metrics: Metrics,
    private readonly alerts: AlertStager,
    private readonly catalog: AlertCatalog,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  get replicaId(): string {
    return this.replica.id;
  }

  get enabled(): boolean {
    return this.env.values.OMNI2_COORDINATOR === 'on';
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.start();
  }

  start(): void {
    this.running = true;
    this.lastTickAt = this.clock.now();
    this.addInterval(TICK, this.env.values.OMNI2_COORDINATOR_TICK_MS, () => this.tick());
    this.addInterval(WATCHDOG, Math.min(1_000, this.env.values.OMNI2_WATCHDOG_STALL_MS / 2), () =>
      this.watchdog(),
    );
    this.addInterval(PRUNE, PRUNE_EVERY_MS, () => this.prune());
    this.log.log(`coordinator started as ${this.replicaId}`);
  }

  status(): CoordinatorStatus {
    return {
      enabled: this.enabled,
      replica_id: this.replicaId,
      last_tick_at: this.lastTickAt === null ? null : new Date(this.lastTickAt).toISOString(),
      stalled: this.isStalled(),
      in_flight: this.inFlight.size,
      restarts: this.restarts,
    };
  }

  /** One bounded tick: claim up to the free concurrency, start those checks, return. */
  async tick(): Promise<void> {
    if (this.ticking || !this.running) return;
    this.ticking = true;
    this.tickStartedAt = this.clock.now();
    try {
      const settings = await this.config.get('health_check');
      const free = settings.concurrency - this.inFlight.size;
      // Lease: the connect, bounded by the server's own timeout (added per row by the claim),
      // then ping and a capability refresh, each bounded by the check timeout, plus slack for
      // the write. With the defaults (30 s, 10 s) a dead replica's servers fall due in 52 s.
      const lease = settings.timeout_seconds * 2 + 2;
      const rows = await withDeadline(
        this.heartbeatAndClaim(free, lease),
        CLAIM_DEADLINE_MS,
        'claim',
      );
      this.backlog = free > 0 && rows.length === free;
      for (const row of rows) this.launch(row, settings.timeout_seconds * 1_000);
      this.metrics.tickCompleted((this.clock.now() - this.tickStartedAt) / 1_000, rows.length);
    } catch (error) {
      this.log.error(`tick failed: ${String(error)}`);
    } finally {
      this.ticking = false;
      this.lastTickAt = this.clock.now();
    }
  }

  /** A replica is dead for the others once silent this long: a few stall periods. */
  private get deadAfterSeconds(): number {
    return Math.max(5, Math.ceil((this.env.values.OMNI2_WATCHDOG_STALL_MS * 2) / 1_000));
  }

  private async heartbeatAndClaim(free: number, lease: number): Promise<McpServerEntity[]> {
    const live = await this.claims.heartbeat(this.replicaId, this.deadAfterSeconds);
    const rows = await this.claims.claim(this.replicaId, free, lease, this.deadAfterSeconds);
    if (rows.length >= free || live < 2) return rows;
    const taken = await this.claims.rebalance(
      this.replicaId,
      free - rows.length,
      lease,
      this.deadAfterSeconds,
      this.env.values.OMNI2_COORDINATOR_TICK_MS / 1_000,
    );
    return taken.length === 0 ? rows : [...rows, ...taken];
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /**
   * Stops claiming, gives checks in flight up to 5 s, then hands back the leases of those still
   * running so other replicas check them at once. Called early in a graceful shutdown (while the
   * replica drains) and again, as a no-op, when the app closes.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const name of [TICK, WATCHDOG, PRUNE]) this.removeInterval(name);
    const settled = Promise.allSettled([...this.inFlight]);
    await Promise.race([settled, new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref())]);
    const released = await this.claims.release(this.replicaId).catch(() => 0);
    if (released > 0) this.log.log(`released ${released} unfinished checks to other replicas`);
  }

  private launch(row: McpServerEntity, timeoutMs: number): void {
    const work: Promise<void> = this.checks
      .run(row, timeoutMs)
      .then(() => undefined)
      .catch((error: unknown) => this.log.error(`check of ${row.name} failed: ${String(error)}`))
      .finally(() => {
        this.inFlight.delete(work);
        // With a backlog, a freed slot is refilled now rather than at the next tick.
        if (this.backlog) void this.tick();
      });
    this.inFlight.add(work);
  }

  private isStalled(): boolean {
    if (!this.running) return false;
    const stall = this.env.values.OMNI2_WATCHDOG_STALL_MS;
    const now = this.clock.now();
    if (this.ticking) return now - this.tickStartedAt > stall;
    return this.lastTickAt !== null && now - this.lastTickAt > stall;
  }

  private watchdog(): void {
    if (!this.isStalled()) return;
    this.restarts++;
    const since = this.ticking ? this.tickStartedAt : (this.lastTickAt ?? 0);
    const stalledMs = this.clock.now() - since;
    this.log.error(`tick loop stalled for ${stalledMs} ms; restarting (restart #${this.restarts})`);
    // The hung tick is abandoned: its claim has a lease, so nothing is lost.
    this.ticking = false;
    this.lastTickAt = this.clock.now();
    this.removeInterval(TICK);
    this.addInterval(TICK, this.env.values.OMNI2_COORDINATOR_TICK_MS, () => this.tick());
    void this.events
      .publish([
        {
          type: 'critical_alert',
          server_id: null,
          mcp_name: null,
          severity: 'critical',
          data: {
            reason: `coordinator on ${this.replicaId} stalled for ${stalledMs} ms and was restarted`,
            count: this.restarts,
            window_seconds: Math.round(stalledMs / 1_000),
          },
        },
      ])
      .catch((error: unknown) => this.log.error(`alert publish failed: ${String(error)}`));
    // SPEC §12 `coordinator_stalled`: this replica's own stall, notified once.
    const at = new Date(this.clock.now());
    void this.catalog
      .snapshot()
      .then((rules) =>
        this.db.transaction((tx) =>
          this.alerts.stageFleet(
            tx,
            rules,
            'coordinator_stalled',
            `The coordinator on ${this.replicaId} stalled`,
            `its check loop stalled for ${stalledMs} ms and was restarted (restart #${this.restarts})`,
            at,
            `stall:${this.replicaId}:${this.restarts}`,
          ),
        ),
      )
      .catch((error: unknown) => this.log.error(`stall alert not staged: ${String(error)}`));
  }

  private async prune(): Promise<void> {
    try {
      const { retention_days } = await this.config.get('health_log');
      const removed = await this.healthLog.prune(retention_days);
      await this.claims.forgetReplicas(86_400);
      if (removed > 0)
        this.log.log(`pruned ${removed} health-log rows older than ${retention_days} days`);
    } catch (error) {
      this.log.error(`prune failed: ${String(error)}`);
    }
  }

  private addInterval(name: string, ms: number, fn: () => Promise<void> | void): void {
    const handle = setInterval(() => void fn(), ms);
    this.scheduler.addInterval(name, handle);
  }

  private removeInterval(name: string): void {
    if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
  }
}
