import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuditEntryView, AuditPage } from '@omni2/contracts';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Clock } from '../common/clock';
import { QueryFailedError } from 'typeorm';
import { isRefusedValue } from '../common/database-errors';
import { storableText } from '../common/text-safety';
import { UUID } from '../common/uuid';
import { AppEnv } from '../config/env.schema';
import { Metrics } from '../metrics/metrics';
import { type AuditFilter, parseAuditQuery } from './audit-query';
import { AuditEntity } from './audit.entity';
import { redactBody } from './redact';

export interface AuditRecord {
  actor: { kind: 'user' | 'api_key' | 'system'; id: string | null; name: string };
  action: string;
  target: { type: string; id: string | null; name: string | null } | null;
  details: Record<string, unknown>;
  ip: string | null;
}

type AuditRow = QueryDeepPartialEntity<AuditEntity>;

interface AuditLimits {
  /** Beyond this backlog audited actions are refused (503) rather than run unrecorded. */
  maxPending: number;
  /** Readiness fails when an entry has waited this long: the database is not taking them. */
  stallMs: number;
}

interface Pending {
  row: AuditRow;
  queuedAt: number;
  /** Size of its details as JSON: the backlog is bounded in bytes too. */
  bytes: number;
}

const FLUSH_DELAY_MS = 50;
const FLUSH_BATCH = 500;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
/** An entry records a change, it is no copy of the request: details beyond this are summarised. */
export const AUDIT_DETAILS_MAX_CHARS = 8_192;
/** A time window with at most this many entries is read by time and sorted (see narrowWindow). */
const NARROW_WINDOW_ENTRIES = 10_000;
/** With entries bounded as above, a backlog beyond this many bytes refuses audited work too. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * Who changed what, when, from where. Entries are written in small batches off the request path,
 * so auditing a tool call does not add a database round trip to it. Nothing accepted is dropped:
 * every entry is made storable before it is queued, a row the database still refuses is written
 * alone (then without its details) so it cannot sink the batch, and while the database is away
 * the batch waits and is retried, visibly (metrics, readiness). Shutdown flushes the rest.
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly log = new Logger('audit');
  private queue: Pending[] = [];
  private pendingBytes = 0;
  /** Entries ever queued, and ever settled (written, or given up as lost): flush watermarks. */
  private enqueued = 0;
  private settled = 0;
  private waiters: { upTo: number; done: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private retryMs = 0;
  private stopped = false;
  private readonly limits: AuditLimits;

  constructor(
    @InjectRepository(AuditEntity) private readonly repo: Repository<AuditEntity>,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    env: AppEnv,
  ) {
    this.limits = {
      maxPending: env.values.OMNI2_AUDIT_MAX_PENDING,
      stallMs: env.values.OMNI2_AUDIT_STALL_SECONDS * 1_000,
    };
  }

  /** Queues an entry; it reaches the database within ~50 ms while the database is up. */
  record(entry: AuditRecord): void {
    const { row, bytes } = toRow(entry);
    this.queue.push({ row, queuedAt: this.clock.now(), bytes });
    this.pendingBytes += bytes;
    this.enqueued += 1;
    this.noteBacklog();
    // A full batch goes at once, except while the database is away: then the retry's backoff
    // decides, or every new entry would hammer it.
    if (this.queue.length >= FLUSH_BATCH && this.retryMs === 0) this.startDrain();
    else this.timer ??= setTimeout(() => this.startDrain(), this.retryMs || FLUSH_DELAY_MS);
  }

  /** False while the backlog is full: an audited action must not run unrecorded. */
  accepting(): boolean {
    return this.queue.length < this.limits.maxPending && this.pendingBytes < MAX_PENDING_BYTES;
  }

  /** The database has not taken an entry for too long (readiness reports it). */
  stalled(): boolean {
    return this.oldestPendingMs() >= this.limits.stallMs;
  }

  pendingEntries(): number {
    return this.queue.length;
  }

  /** Milliseconds the oldest waiting entry has waited (0 when none waits). */
  oldestPendingMs(): number {
    const oldest = this.queue[0];
    return oldest ? this.clock.now() - oldest.queuedAt : 0;
  }

  /**
   * Writes what is queued now (later entries do not hold it up). Resolves when those entries are
   * in the database, or when the database refused the connection (they stay queued and a retry
   * is scheduled).
   */
  flush(): Promise<void> {
    const upTo = this.enqueued;
    if (this.settled >= upTo) return Promise.resolve();
    const flushed = new Promise<void>((done) => this.waiters.push({ upTo, done }));
    this.startDrain();
    return flushed;
  }

  private startDrain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      this.noteBacklog();
      // Stopped early by an outage: whoever waits is answered now, the retry comes later.
      for (const waiter of this.waiters.splice(0)) waiter.done();
      if (this.queue.length > 0 && !this.stopped) {
        this.timer ??= setTimeout(() => this.startDrain(), this.retryMs || FLUSH_DELAY_MS);
      }
    });
  }

  /**
   * A page of the log, newest first, filtered (every filter ANDed; see AuditQuery). Actor,
   * action and server have indexes in id order (migration AuditFilters), so a selective filter
   * reads about a page of rows; a time window is read by time when it is narrow (narrowWindow).
   */
  async page(query: Record<string, unknown>): Promise<AuditPage> {
    const q = parseAuditQuery(query);
    await this.flush();
    const builder = this.repo
      .createQueryBuilder('a')
      // `id + 0`: the same order, but not through the primary key, which the planner would
      // otherwise walk from the newest entry back to a window far in the past.
      .orderBy((await this.narrowWindow(q)) ? 'a.id + 0' : 'a.id', 'DESC')
      .take(q.limit + 1);
    applyFilter(builder, q, q.server ? await this.serverRefs(q.server) : null);
    const rows = await builder.getMany();
    const items = rows.slice(0, q.limit).map(toView);
    return {
      items,
      next_cursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null,
    };
  }

  /**
   * The time window holds few entries: reading all of them by time (audit_log_created_idx) and
   * sorting is cheap, whereas walking ids back from the newest would read everything since the
   * window's end. The count reads the index only and stops at the bound.
   */
  private async narrowWindow(q: AuditFilter): Promise<boolean> {
    if (!q.from && !q.to) return false;
    const [row] = await this.repo.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM omni2.audit_log
          WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
          LIMIT ${NARROW_WINDOW_ENTRIES + 1}) w`,
      [q.from ?? '-infinity', q.to ?? 'infinity'],
    );
    return (row?.n ?? 0) <= NARROW_WINDOW_ENTRIES;
  }

  /**
   * An entry names its server by id, by name or both, depending on how the request named it and
   * what the handler returned. `ref` is matched as given (a deleted server is still found by what
   * its entries recorded) and, while the server exists, by its other half too.
   */
  private async serverRefs(ref: string): Promise<ServerRefs> {
    const byId = UUID.test(ref);
    const ids = byId ? [ref, ref.toLowerCase()] : [];
    const names = byId ? [] : [ref];
    const rows = await this.repo.query<{ id: string; name: string }[]>(
      byId
        ? 'SELECT id::text AS id, name FROM omni2.mcp_servers WHERE id = $1'
        : 'SELECT id::text AS id, name FROM omni2.mcp_servers WHERE name = $1',
      [ref],
    );
    for (const row of rows) {
      ids.push(row.id);
      names.push(row.name);
    }
    // Never an empty IN list: a value no row holds.
    return {
      ids: ids.length > 0 ? [...new Set(ids)] : [ref],
      names: names.length > 0 ? [...new Set(names)] : [ref],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    if (this.queue.length > 0) {
      this.metrics.auditLost.inc(this.queue.length);
      this.log.error(
        `exiting with ${this.queue.length} audit entries unwritten: the database did not take them`,
      );
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, FLUSH_BATCH);
      const written = await this.write(batch.map((p) => p.row));
      for (const done of this.queue.splice(0, written)) this.pendingBytes -= done.bytes;
      this.settled += written;
      this.metrics.auditWritten.inc(written);
      this.waiters = this.waiters.filter((w) => {
        if (w.upTo > this.settled) return true;
        w.done();
        return false;
      });
      if (written < batch.length) {
        this.retryMs = Math.min(Math.max(this.retryMs * 2, RETRY_MIN_MS), RETRY_MAX_MS);
        return;
      }
      if (this.retryMs > 0) this.log.log('audit log writable again');
      this.retryMs = 0;
    }
  }

  /** Writes a prefix of `rows` and says how long it was: all of them unless the database is away. */
  private async write(rows: AuditRow[]): Promise<number> {
    try {
      await this.repo.insert(rows);
      return rows.length;
    } catch (error) {
      if (!rowAtFault(error)) return this.unavailable(error, 0);
    }
    // One row the database refuses must not sink the others: each on its own.
    for (const [i, row] of rows.entries()) {
      try {
        await this.insertAlone(row);
      } catch (error) {
        return this.unavailable(error, i);
      }
    }
    return rows.length;
  }

  private async insertAlone(row: AuditRow): Promise<void> {
    try {
      await this.repo.insert(row);
      return;
    } catch (error) {
      if (!rowAtFault(error)) throw error;
      this.metrics.auditWriteFailures.inc({ reason: 'refused_row' });
      this.log.error(`audit entry refused (${String(error)}); writing it without its details`);
    }
    try {
      await this.repo.insert(bareRow(row));
    } catch (error) {
      if (!rowAtFault(error)) throw error;
      this.metrics.auditLost.inc();
      this.log.error(`audit entry lost: refused even without details: ${String(error)}`);
    }
  }

  private unavailable(error: unknown, written: number): number {
    this.metrics.auditWriteFailures.inc({ reason: 'unavailable' });
    if (this.retryMs === 0) {
      this.log.error(`audit log not writable, entries kept and retried: ${String(error)}`);
    }
    return written;
  }

  private noteBacklog(): void {
    this.metrics.auditPending.set(this.queue.length);
    this.metrics.auditOldestPending.set(this.oldestPendingMs() / 1_000);
  }
}

/** The ways audit entries may name one server: as given, and its other half from the registry. */
interface ServerRefs {
  ids: string[];
  names: string[];
}

function applyFilter(
  builder: SelectQueryBuilder<AuditEntity>,
  q: AuditFilter,
  server: ServerRefs | null,
): void {
  if (q.before) builder.andWhere('a.id < :before', { before: q.before });
  if (q.action) builder.andWhere('a.action IN (:...actions)', { actions: q.action });
  if (q.actor) {
    // A name as recorded, or the id of the user or key (which outlives renames).
    if (UUID.test(q.actor)) {
      builder.andWhere('(a.actor = :actor OR a.actor_id = :actorId)', {
        actor: q.actor,
        actorId: q.actor.toLowerCase(),
      });
    } else {
      builder.andWhere('a.actor = :actor', { actor: q.actor });
    }
  }
  if (q.actor_kind) builder.andWhere('a.actor_kind = :kind', { kind: q.actor_kind });
  if (q.target_id) builder.andWhere('a.target_id = :target', { target: q.target_id });
  if (server) {
    builder.andWhere(`a.target_type = 'server'`);
    builder.andWhere('(a.target_id IN (:...serverIds) OR a.target_name IN (:...serverNames))', {
      serverIds: server.ids,
      serverNames: server.names,
    });
  }
  if (q.from) builder.andWhere('a.created_at >= :from', { from: q.from });
  if (q.to) builder.andWhere('a.created_at < :to', { to: q.to });
}

/**
 * The entry itself cannot be written (a value PostgreSQL refuses, or one that does not even
 * serialize), as opposed to the database being away: retrying it unchanged would block the queue.
 */
function rowAtFault(error: unknown): boolean {
  if (error instanceof QueryFailedError) return isRefusedValue(error);
  return error instanceof TypeError || error instanceof RangeError;
}

/** The row, with details bounded to AUDIT_DETAILS_MAX_CHARS of JSON, and that size. */
function toRow(e: AuditRecord): { row: AuditRow; bytes: number } {
  let details = redactBody(e.details) as Record<string, unknown>;
  let json = JSON.stringify(details);
  if (json.length > AUDIT_DETAILS_MAX_CHARS) {
    const request = details.request;
    details = {
      ...Object.fromEntries(Object.entries(details).filter(([, v]) => typeof v !== 'object')),
      request: {
        elided: `${json.length} characters of details`,
        keys:
          typeof request === 'object' && request !== null ? Object.keys(request).slice(0, 50) : [],
      },
    };
    json = JSON.stringify(details);
  }
  return { row: rowOf(e, details as AuditRow['details']), bytes: json.length };
}

function rowOf(e: AuditRecord, details: AuditRow['details']): AuditRow {
  return {
    actor: storableText(e.actor.name, 256),
    actor_kind: e.actor.kind,
    actor_id: e.actor.id !== null && UUID.test(e.actor.id) ? e.actor.id : null,
    action: storableText(e.action, 100),
    target_type: e.target ? storableText(e.target.type, 100) : null,
    target_id: e.target?.id ? storableText(e.target.id, 256) : null,
    target_name: e.target?.name ? storableText(e.target.name, 256) : null,
    details,
    ip: e.ip === null ? null : storableText(e.ip, 100),
  };
}

/** An entry reduced to who, what and the outcome, in ASCII: what no database refuses. */
function bareRow(row: AuditRow): AuditRow {
  const ascii = (v: unknown) => (typeof v === 'string' ? v.replace(/[^\x20-\x7e]/g, '?') : null);
  const details = row.details as Record<string, unknown> | undefined;
  return {
    ...row,
    actor: ascii(row.actor) ?? '?',
    action: ascii(row.action) ?? '?',
    target_id: ascii(row.target_id),
    target_name: ascii(row.target_name),
    target_type: ascii(row.target_type),
    ip: ascii(row.ip),
    actor_id: null,
    details: { outcome: ascii(details?.outcome) ?? '?', details_dropped: true },
  };
}

function toView(r: AuditEntity): AuditEntryView {
  return {
    id: String(r.id),
    actor: r.actor,
    actor_kind: r.actor_kind,
    action: r.action,
    target_type: r.target_type,
    target_id: r.target_id,
    target_name: r.target_name,
    details: r.details,
    ip: r.ip,
    created_at: r.created_at.toISOString(),
  };
}
