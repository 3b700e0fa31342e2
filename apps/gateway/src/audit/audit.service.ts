import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AuditEntryView, AuditPage } from '@omni2/contracts';
import { z } from 'zod';
import type { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { parseOrThrow } from '../common/zod-body';
import { AuditEntity } from './audit.entity';

export interface AuditRecord {
  actor: { kind: 'user' | 'api_key' | 'system'; id: string | null; name: string };
  action: string;
  target: { type: string; id: string | null; name: string | null } | null;
  details: Record<string, unknown>;
  ip: string | null;
}

const FLUSH_DELAY_MS = 50;
const FLUSH_BATCH = 500;

const pageQuery = z
  .object({
    before: z.string().regex(/^\d+$/, 'must be an audit entry id').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    action: z.string().max(100).optional(),
    actor: z.string().max(256).optional(),
    target_id: z.string().max(256).optional(),
  })
  .strict();

/**
 * Who changed what, when, from where. Entries are written in small batches off the request path,
 * so auditing a tool call does not add a database round trip to it; shutdown flushes the rest.
 */
@Injectable()
export class AuditService implements OnApplicationShutdown {
  private readonly log = new Logger('audit');
  private queue: AuditRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@InjectRepository(AuditEntity) private readonly repo: Repository<AuditEntity>) {}

  record(entry: AuditRecord): Promise<void> {
    this.queue.push(entry);
    if (this.queue.length >= FLUSH_BATCH) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
    return Promise.resolve();
  }

  /** Writes everything queued so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() =>
      this.repo
        .insert(batch.map(toRow))
        .then(() => undefined)
        .catch((error: unknown) =>
          this.log.error(`lost ${batch.length} audit entries: ${String(error)}`),
        ),
    );
    return this.flushing;
  }

  async page(query: Record<string, unknown>): Promise<AuditPage> {
    await this.flush();
    const q = parseOrThrow(pageQuery, query);
    const builder = this.repo
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .take(q.limit + 1);
    if (q.before) builder.andWhere('a.id < :before', { before: q.before });
    if (q.action) builder.andWhere('a.action = :action', { action: q.action });
    if (q.actor) builder.andWhere('a.actor = :actor', { actor: q.actor });
    if (q.target_id) builder.andWhere('a.target_id = :target', { target: q.target_id });
    const rows = await builder.getMany();
    const items = rows.slice(0, q.limit).map(toView);
    return {
      items,
      next_cursor: rows.length > q.limit ? (items[items.length - 1]?.id ?? null) : null,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}

function toRow(e: AuditRecord): QueryDeepPartialEntity<AuditEntity> {
  return {
    actor: e.actor.name,
    actor_kind: e.actor.kind,
    actor_id: e.actor.id,
    action: e.action,
    target_type: e.target?.type ?? null,
    target_id: e.target?.id ?? null,
    target_name: e.target?.name ?? null,
    details: e.details as QueryDeepPartialEntity<Record<string, unknown>>,
    ip: e.ip,
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
