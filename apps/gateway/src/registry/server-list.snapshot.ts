import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { viewerServerView, type McpServerView } from '@omni2/contracts';
import { MoreThan, type Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { JsonBody } from '../common/json-body';
import { SecretCodec } from '../secrets/secret-codec';
import type { ListQuery } from './list-query';
import { McpServerEntity } from './mcp-server.entity';
import { toServerView } from './server-view';

/** A version probe is reused this long, bounding staleness for writes made elsewhere. */
export const LIST_PROBE_REUSE_MS = 250;
/** Re-read rows changed this far before the newest seen, covering transactions that commit late. */
const OVERLAP_MS = 10_000;
/** Rebuild from scratch at least this often, whatever the probes say. */
const FULL_RELOAD_MS = 30_000;

/** `viewer`: connection details removed (see viewerServerView). */
export type Audience = 'full' | 'viewer';

interface Entry {
  view: McpServerView;
  json: string;
  /** Built on the first viewer read only. */
  viewerJson?: string;
}

interface Version {
  count: number;
  /** Newest updated_at in microseconds since the epoch, as text: milliseconds are too coarse. */
  maxMicros: string;
}

/**
 * The server list kept in memory, one serialized JSON string per server, refreshed by
 * incremental reads when the table's version (row count, newest updated_at) moves. A list
 * request then costs a cheap probe at most, not a load and serialization of every row.
 */
@Injectable()
export class ServerListSnapshot {
  private readonly entries = new Map<string, Entry>();
  private order: string[] = [];
  private readonly unfilteredBody = new Map<Audience, JsonBody>();
  private version: Version | null = null;
  private probedAt = -Infinity;
  private loadedAt = -Infinity;
  private refreshing: Promise<void> | null = null;

  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly codec: SecretCodec,
    private readonly clock: Clock,
  ) {}

  /** Call after any local write so the next read sees it. */
  invalidate(): void {
    this.probedAt = -Infinity;
  }

  /** The JSON body of `{ items, total }` for the query. */
  async body(query: ListQuery, audience: Audience = 'full'): Promise<JsonBody> {
    await this.fresh();
    const unfiltered = isUnfiltered(query);
    const cached = unfiltered ? this.unfilteredBody.get(audience) : undefined;
    if (cached) return cached;
    const all = this.order.map((id) => this.entries.get(id)!);
    if (unfiltered) {
      const body = render(all, all.length, audience);
      this.unfilteredBody.set(audience, body);
      return body;
    }
    const matching = all.filter((e) => matches(e.view, query));
    return render(
      matching.slice(query.offset, query.offset + query.limit),
      matching.length,
      audience,
    );
  }

  /** Every server's current view, as fresh as a list read: what metrics are computed from. */
  async views(): Promise<McpServerView[]> {
    await this.fresh();
    return this.order.map((id) => this.entries.get(id)!.view);
  }

  private async fresh(): Promise<void> {
    if (this.clock.now() - this.probedAt < LIST_PROBE_REUSE_MS) return;
    // Concurrent requests share one probe and one refresh.
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    await this.refreshing;
  }

  private async refresh(): Promise<void> {
    const startedAt = this.clock.now();
    const current = await this.probe();
    const unchanged =
      this.version !== null &&
      current.count === this.version.count &&
      current.maxMicros === this.version.maxMicros;
    if (!unchanged || startedAt - this.loadedAt >= FULL_RELOAD_MS) {
      let changed: boolean;
      if (this.version === null || startedAt - this.loadedAt >= FULL_RELOAD_MS) {
        changed = await this.loadAll();
        this.loadedAt = startedAt;
      } else {
        changed = await this.loadChanged(Number(this.version.maxMicros) / 1_000 - OVERLAP_MS);
        if (this.entries.size !== current.count) {
          changed = await this.loadAll(); // rows were deleted: start over
          this.loadedAt = startedAt;
        }
      }
      this.version = current;
      // The rendered bodies (815 KiB for 1,000 servers, and their gzip) survive a reload that
      // found nothing new: rebuilding them every 30 s showed up as latency spikes.
      if (changed) this.unfilteredBody.clear();
    }
    this.probedAt = startedAt;
  }

  private async probe(): Promise<Version> {
    const [row] = await this.repo.query<{ count: number; max: string | null }[]>(
      `SELECT count(*)::int AS count,
              (extract(epoch FROM max(updated_at)) * 1000000)::bigint::text AS max
       FROM omni2.mcp_servers`,
    );
    return { count: row?.count ?? 0, maxMicros: row?.max ?? '0' };
  }

  /** Replaces every entry; true when any server was added, changed or removed. */
  private async loadAll(): Promise<boolean> {
    const rows = await this.repo.find();
    let changed = rows.length !== this.entries.size;
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      if (this.put(row)) changed = true;
    }
    for (const id of [...this.entries.keys()]) {
      if (!seen.has(id)) this.entries.delete(id);
    }
    if (changed) this.sort();
    return changed;
  }

  private async loadChanged(since: number): Promise<boolean> {
    const rows = await this.repo.find({ where: { updated_at: MoreThan(new Date(since)) } });
    let changed = false;
    for (const row of rows) {
      if (this.put(row)) changed = true;
    }
    if (changed) this.sort();
    return changed;
  }

  /** True when the server is new or its view differs from the one held. */
  private put(row: McpServerEntity): boolean {
    const view = toServerView(row, this.codec);
    const json = JSON.stringify(view);
    if (this.entries.get(row.id)?.json === json) return false;
    this.entries.set(row.id, { view, json });
    return true;
  }

  private sort(): void {
    // Byte order, as names are ASCII: the same order for every replica and locale.
    this.order = [...this.entries.keys()].sort((a, b) => {
      const x = this.entries.get(a)!.view.name;
      const y = this.entries.get(b)!.view.name;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
}

function render(items: Entry[], total: number, audience: Audience): JsonBody {
  const json = audience === 'full' ? items.map((e) => e.json) : items.map(viewerJsonOf);
  return JsonBody.of(`{"items":[${json.join(',')}],"total":${total}}`);
}

function viewerJsonOf(entry: Entry): string {
  entry.viewerJson ??= JSON.stringify(viewerServerView(entry.view));
  return entry.viewerJson;
}

function isUnfiltered(q: ListQuery): boolean {
  return (
    !q.status &&
    !q.health_status &&
    !q.protocol &&
    !q.protocol_era &&
    !q.q &&
    q.offset === 0 &&
    q.limit >= 10_000
  );
}

function matches(view: McpServerView, q: ListQuery): boolean {
  if (q.status && view.status !== q.status) return false;
  if (q.health_status && !q.health_status.includes(view.health_status)) return false;
  if (q.protocol && view.protocol !== q.protocol) return false;
  if (q.protocol_era && !q.protocol_era.includes(view.protocol_era ?? 'unknown')) return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    const hay = [view.name, view.description ?? '', view.url ?? ''];
    if (!hay.some((h) => h.toLowerCase().includes(needle))) return false;
  }
  return true;
}
