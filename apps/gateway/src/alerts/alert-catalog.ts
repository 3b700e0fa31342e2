import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { type EventEnvelope, scopeCovers, type ServerScope } from '@omni2/contracts';
import { EventStream } from '../events/event-stream';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { AlertRuleEntity } from './alert-rule.entity';
import { MaintenanceWindowEntity } from './maintenance-window.entity';
import { nextOccurrenceAfter, occurrenceAt } from './maintenance-schedule';

/** How long a replica trusts its copy of the rules and windows; edits here apply at once. */
const TTL_MS = 5_000;

/** A server as rules and windows see it. */
export interface AlertSubject {
  id: string;
  name: string;
}

/**
 * The enabled rules and the maintenance windows, read on the hot path of every state change.
 * Kept for a few seconds (another replica's edit shows within TTL_MS), and dropped at once when
 * this replica edits them. With no rules at all, staging costs nothing.
 */
@Injectable()
export class AlertCatalog implements OnApplicationBootstrap, OnApplicationShutdown {
  private unsubscribe: () => void = () => undefined;
  private rules: { value: Promise<AlertRuleEntity[]>; until: number } | null = null;
  private readonly states = new WindowStates();
  private windows: { value: Promise<MaintenanceWindowEntity[]>; until: number } | null = null;

  constructor(
    @InjectRepository(AlertRuleEntity) private readonly ruleRepo: Repository<AlertRuleEntity>,
    @InjectRepository(MaintenanceWindowEntity)
    private readonly windowRepo: Repository<MaintenanceWindowEntity>,
    private readonly clock: Clock,
    @Optional() private readonly stream?: EventStream,
  ) {}

  /** Another replica changed rules, channels or windows (`mcp_config_changed`, key `alerts`). */
  onApplicationBootstrap(): void {
    this.unsubscribe =
      this.stream?.subscribe((event) => {
        if (isAlertsChange(event)) this.invalidate();
      }) ?? (() => undefined);
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
  }

  enabledRules(): Promise<AlertRuleEntity[]> {
    const now = this.clock.now();
    if (!this.rules || this.rules.until <= now) {
      const value = this.ruleRepo.find({ where: { enabled: true }, order: { name: 'ASC' } });
      value.catch(() => (this.rules = null));
      this.rules = { value, until: now + TTL_MS };
    }
    return this.rules.value;
  }

  allWindows(): Promise<MaintenanceWindowEntity[]> {
    const now = this.clock.now();
    if (!this.windows || this.windows.until <= now) {
      const value = this.windowRepo.find();
      value.catch(() => (this.windows = null));
      this.windows = { value, until: now + TTL_MS };
    }
    return this.windows.value;
  }

  /**
   * The rules and windows as they stand, for use inside a transaction: read before it opens, so
   * a transaction never waits on a second pooled connection (under load that deadlocks the pool).
   */
  async snapshot(): Promise<AlertRules> {
    const [rules, windows] = await Promise.all([this.enabledRules(), this.allWindows()]);
    return new AlertRules(rules, windows, this.states);
  }

  invalidate(): void {
    this.rules = null;
    this.windows = null;
  }
}

/** Rules and windows at one moment: every question answered without the database. */
export class AlertRules {
  constructor(
    readonly rules: readonly AlertRuleEntity[],
    readonly windows: readonly MaintenanceWindowEntity[],
    private readonly states = new WindowStates(),
  ) {}

  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** The rules that watch `event` on `server` (`server` null: fleet-wide events). */
  rulesFor(event: string, server: AlertSubject | null): AlertRuleEntity[] {
    return this.rules.filter(
      (r) => r.events.includes(event as never) && (server === null || inScope(r, server)),
    );
  }

  /** True while a maintenance window covers the server (or, for null, the whole fleet). */
  inMaintenance(server: AlertSubject | null, at: Date): boolean {
    return this.windows.some(
      (w) =>
        (server === null ? w.server_scope === 'all' : inScope(w, server)) &&
        this.states.active(w, at),
    );
  }
}

/**
 * Whether each window is on, remembered until its state next changes: a cron walk (milliseconds
 * for a sparse expression) happens once per occurrence boundary, not on every check.
 */
export class WindowStates {
  private readonly known = new Map<string, { active: boolean; from: number; until: number }>();

  active(w: MaintenanceWindowEntity, at: Date): boolean {
    const key = `${w.id}:${new Date(w.updated_at).getTime()}`;
    const t = at.getTime();
    const hit = this.known.get(key);
    if (hit && t >= hit.from && t < hit.until) return hit.active;
    const current = occurrenceAt(w, at);
    const state = current
      ? { active: true, from: current[0].getTime(), until: current[1].getTime() }
      : {
          active: false,
          from: t,
          until: nextOccurrenceAfter(w, at)?.[0].getTime() ?? Number.POSITIVE_INFINITY,
        };
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(key, state);
    return state.active;
  }
}

/** All servers, a list of ids, or names matching a glob (`*` any run, `?` one character). */
export function inScope(
  scoped: { server_scope: string; server_ids: string[]; name_pattern: string | null },
  server: AlertSubject,
): boolean {
  return scopeCovers(scoped as ServerScope, server);
}

function isAlertsChange(event: EventEnvelope): boolean {
  return (
    event.type === 'mcp_config_changed' &&
    (event as EventEnvelope<'mcp_config_changed'>).data.key === 'alerts'
  );
}
