import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CapabilitiesView, CapabilityCounts } from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { RuntimeConfigService } from '../config/runtime-config.service';
import {
  CAPABILITY_TTL_MS,
  CapabilityCache,
  type CachedCapabilities,
} from '../connections/capability-cache';
import { ConnectionManager } from '../connections/connection-manager';
import type { McpSession } from '../connections/mcp-session';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryService } from '../registry/registry.service';
import { upstreamFailure } from '../connections/upstream-failure';
import { EventStream } from '../events/event-stream';
import { circuitAllows } from '../breaker/circuit-gate';
import { AlertCatalog } from '../alerts/alert-catalog';
import { AlertStager } from '../alerts/alert-stager';

/** Owns the capability cache: what each server offers, and when omni2 last asked. */
@Injectable()
export class CapabilitiesService implements OnModuleInit {
  private readonly log = new Logger('capabilities');
  private readonly refreshing = new Map<string, Promise<CachedCapabilities>>();

  constructor(
    private readonly cache: CapabilityCache,
    private readonly connections: ConnectionManager,
    private readonly registry: RegistryService,
    private readonly config: RuntimeConfigService,
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
    private readonly events: EventStream,
    private readonly clock: Clock,
    private readonly alerts: AlertStager,
    private readonly catalog: AlertCatalog,
  ) {}

  onModuleInit(): void {
    // A server announced a changed list: refetch now so the next read is already fresh.
    this.connections.onListChanged((serverId) => {
      void this.refreshById(serverId).catch((error: unknown) =>
        this.log.warn(`refresh after list_changed failed for ${serverId}: ${String(error)}`),
      );
    });
  }

  async view(ref: string): Promise<CapabilitiesView> {
    const row = await this.registry.findRecent(ref);
    const cached = await this.forServer(row);
    return toView(row, cached);
  }

  /** Cached capabilities, fetched over the live session when missing or expired. */
  async forServer(row: McpServerEntity): Promise<CachedCapabilities | null> {
    const cached = await this.cache.get(row.name);
    if (cached) return cached;
    // Disabled, or failing with an open circuit: nothing to ask, and no waiting on a dead server.
    if (row.status !== 'active' || !circuitAllows(row, this.clock.now())) return null;
    const timeoutMs = (await this.config.get('health_check')).timeout_seconds * 1_000;
    try {
      const { value } = await this.connections.run(this.registry.target(row), timeoutMs, (s) =>
        this.refresh(row, s, timeoutMs),
      );
      return value;
    } catch (error) {
      throw upstreamFailure(error, row.protocol, row.name, this.registry.secrets(row));
    }
  }

  /** True when the next check should refetch: never fetched, stale, or announced changed. */
  async needsRefresh(row: McpServerEntity, session: McpSession): Promise<boolean> {
    if (session.listsChanged) return true;
    const cached = await this.cache.get(row.name);
    return !cached || this.clock.now() - Date.parse(cached.cached_at) >= freshFor(cached, session);
  }

  /** Lists over `session`, caches, and records the counts on the row. Concurrent calls share one fetch. */
  refresh(
    row: McpServerEntity,
    session: McpSession,
    timeoutMs: number,
  ): Promise<CachedCapabilities> {
    const inFlight = this.refreshing.get(row.id);
    if (inFlight) return inFlight;
    const work = this.fetchAndStore(row, session, timeoutMs).finally(() =>
      this.refreshing.delete(row.id),
    );
    this.refreshing.set(row.id, work);
    return work;
  }

  private async fetchAndStore(
    row: McpServerEntity,
    session: McpSession,
    timeoutMs: number,
  ): Promise<CachedCapabilities> {
    const lists = await session.listCapabilities(timeoutMs);
    const snapshot: CachedCapabilities = {
      ...lists,
      cached_at: new Date(this.clock.now()).toISOString(),
    };
    const previous = await this.cache.get(row.name);
    await this.cache.set(row.name, snapshot);
    const counts: CapabilityCounts = {
      tools: lists.tools.length,
      prompts: lists.prompts.length,
      resources: lists.resources.length,
    };
    const countsChanged = !sameCounts(row.capability_counts, counts);
    if (countsChanged) {
      await this.repo.update({ id: row.id }, { capability_counts: counts });
      row.capability_counts = counts;
    }
    // The first fetch after a start is not a change unless the counts moved.
    if (countsChanged || (previous !== null && !sameNames(previous, snapshot))) {
      await this.events.publish([
        {
          type: 'capabilities_changed',
          server_id: row.id,
          mcp_name: row.name,
          severity: 'info',
          data: counts,
        },
      ]);
      await this.stageAlert(row, snapshot, counts);
    }
    return snapshot;
  }

  /**
   * SPEC §12 `capabilities_changed`, once per change: the server's row records a digest of what
   * it offers, and only the replica whose update moves it stages the notification, in the same
   * transaction. The first digest recorded is no change.
   */
  private async stageAlert(
    row: McpServerEntity,
    snapshot: CachedCapabilities,
    counts: CapabilityCounts,
  ): Promise<void> {
    const at = new Date(this.clock.now());
    const digest = digestOf(namesOf(snapshot));
    try {
      const rules = await this.catalog.snapshot();
      await this.repo.manager.transaction(async (tx) => {
        const [moved] = await tx.query<[{ previous: string | null }[], number]>(
          `UPDATE omni2.mcp_servers s SET capability_digest = $2
             FROM (SELECT capability_digest AS previous FROM omni2.mcp_servers
                    WHERE id = $1 FOR UPDATE) p
            WHERE s.id = $1 AND s.capability_digest IS DISTINCT FROM $2
           RETURNING p.previous`,
          [row.id, digest],
        );
        if (moved.length === 0 || moved[0].previous === null) return;
        await this.alerts.stageCapabilitiesChanged(
          tx,
          rules,
          { id: row.id, name: row.name },
          `now ${counts.tools} tools, ${counts.prompts} prompts, ${counts.resources} resources`,
          at,
        );
      });
    } catch (error) {
      this.log.error(`capabilities alert for ${row.name} not staged: ${String(error)}`);
    }
  }

  private async refreshById(serverId: string): Promise<void> {
    const row = await this.repo.findOneBy({ id: serverId });
    if (!row || row.status !== 'active') return;
    const timeoutMs = (await this.config.get('health_check')).timeout_seconds * 1_000;
    await this.connections.run(this.registry.target(row), timeoutMs, (s) =>
      this.refresh(row, s, timeoutMs),
    );
  }
}

/**
 * How long fetched lists count as fresh. A server that tells omni2 about changes (list_changed,
 * or a 2026-07-28 subscriptions/listen stream) is refetched when it says so, and at the latest
 * when the cache entry expires. A 2026-07-28 server without such a stream is refetched when its
 * own caching hint (`ttlMs`) runs out, at the first check after that: never sooner than the
 * hint, never more often than checks run. Without a hint (2025), the cache lifetime applies.
 */
export function freshFor(cached: CachedCapabilities, session: Pick<McpSession, 'listening'>) {
  if (cached.cache_hint === null || cached.cache_hint === undefined || session.listening) {
    return CAPABILITY_TTL_MS;
  }
  return Math.min(cached.cache_hint.ttl_ms, CAPABILITY_TTL_MS);
}

function sameCounts(a: CapabilityCounts | null, b: CapabilityCounts): boolean {
  return (
    a !== null && a.tools === b.tools && a.prompts === b.prompts && a.resources === b.resources
  );
}

function namesOf(c: CachedCapabilities): string {
  return [
    ...c.tools.map((t) => `t:${t.name}`),
    ...c.prompts.map((p) => `p:${p.name}`),
    ...c.resources.map((r) => `r:${r.uri}`),
  ].join('\n');
}

function sameNames(a: CachedCapabilities, b: CachedCapabilities): boolean {
  return namesOf(a) === namesOf(b);
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

function toView(row: McpServerEntity, cached: CachedCapabilities | null): CapabilitiesView {
  return {
    server_id: row.id,
    name: row.name,
    tools: cached?.tools ?? [],
    prompts: cached?.prompts ?? [],
    resources: cached?.resources ?? [],
    cached_at: cached?.cached_at ?? null,
    server_info: cached?.server_info ?? null,
    protocol_version: cached?.protocol_version ?? null,
    cache_hint: cached?.cache_hint ?? null,
  };
}
