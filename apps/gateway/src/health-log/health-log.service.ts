import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  HEALTH_LOG_EVENT_TYPES,
  UPTIME_WINDOWS,
  type HealthLogEntry,
  type HealthLogPage,
  type UptimeView,
  type UptimeWindow,
  viewerErrorText,
} from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { z } from 'zod';
import { parseOrThrow } from '../common/zod-body';
import type { McpServerEntity } from '../registry/mcp-server.entity';
import { HealthLogEntity } from './health-log.entity';

const WINDOW_MS: Record<UptimeWindow, number> = {
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
  '30d': 30 * 24 * 3_600_000,
};

const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date-time')
  .transform((v) => new Date(v));

export const healthLogQuerySchema = z
  .object({
    event_type: z
      .string()
      .transform((v) => v.split(',').filter(Boolean))
      .pipe(z.array(z.enum(HEALTH_LOG_EVENT_TYPES)))
      .optional()
      .meta({ description: `Comma-separated, each one of: ${HEALTH_LOG_EVENT_TYPES.join(', ')}` }),
    from: isoDate.optional().meta({ description: 'ISO 8601 date-time, inclusive' }),
    to: isoDate.optional().meta({ description: 'ISO 8601 date-time, exclusive' }),
    before: z
      .string()
      .regex(/^\d+$/, 'must be a cursor from next_cursor')
      .optional()
      .meta({ description: 'The next_cursor of the previous page' }),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

export const uptimeQuerySchema = z
  .object({ window: z.enum(UPTIME_WINDOWS).default('24h') })
  .strict();

/** Where the uptime figures come from, stated in every answer. */
const UPTIME_METHOD =
  'uptime_percent = successful health checks / health checks in the window; time never checked ' +
  '(before registration, while disabled) has no checks and counts neither up nor down. ' +
  'downtime_seconds = time with the circuit open, from circuit_opened to circuit_closed or disable.';

const OUTAGE_START = 'circuit_opened';
const OUTAGE_END = ['circuit_closed', 'auto_disabled', 'manually_disabled'];

function toEntry(row: HealthLogEntity): HealthLogEntry {
  return {
    id: String(row.id),
    server_id: row.server_id,
    event_type: row.event_type,
    status: row.status,
    response_time_ms: row.response_time_ms,
    error_message: row.error_message,
    error_kind: row.error_kind,
    created_at: row.created_at.toISOString(),
  };
}

@Injectable()
export class HealthLogService {
  constructor(
    @InjectRepository(HealthLogEntity) private readonly repo: Repository<HealthLogEntity>,
  ) {}

  /**
   * Newest first by time (id breaks ties), keyset-paged: the cursor is the last row's id.
   * Viewers get upstream errors as their kind only (viewerErrorText).
   */
  async page(
    server: McpServerEntity,
    raw: Record<string, unknown>,
    audience: 'full' | 'viewer' = 'full',
  ): Promise<HealthLogPage> {
    const q = parseOrThrow(healthLogQuerySchema, raw);
    const qb = this.repo
      .createQueryBuilder('l')
      .where('l.server_id = :id', { id: server.id })
      .orderBy('l.created_at', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .take(q.limit + 1);
    if (q.event_type) qb.andWhere('l.event_type IN (:...types)', { types: q.event_type });
    if (q.from) qb.andWhere('l.created_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('l.created_at < :to', { to: q.to });
    if (q.before) {
      qb.andWhere(
        '(l.created_at, l.id) < (SELECT c.created_at, c.id FROM omni2.mcp_health_log c WHERE c.id = :before)',
        { before: q.before },
      );
    }
    const rows = await qb.getMany();
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map(toEntry);
    if (audience === 'viewer') {
      for (const item of items) {
        if (item.error_kind !== null && item.error_message !== null) {
          item.error_message = viewerErrorText(item.error_kind, item.error_message);
        }
      }
    }
    return { items, next_cursor: more ? (items.at(-1)?.id ?? null) : null };
  }

  /**
   * `maintenance` (SPEC §12): the time maintenance windows covered this server within the
   * window, given by the caller for [from, to) of `raw`'s window, and whether it counts. When it
   * does not, checks inside it are left out, and so is downtime within it.
   */
  async uptime(
    server: McpServerEntity,
    raw: Record<string, unknown>,
    now = Date.now(),
    maintenance: {
      counted: boolean;
      intervals: (from: Date, to: Date) => Promise<[number, number][]>;
    } = { counted: true, intervals: () => Promise.resolve([]) },
  ): Promise<UptimeView> {
    const { window } = parseOrThrow(uptimeQuerySchema, raw);
    const from = new Date(now - WINDOW_MS[window]);
    const to = new Date(now);
    const covered = await maintenance.intervals(from, to);
    const excluded = maintenance.counted ? [] : covered;
    const [stats] = await this.repo.query<
      { checks: number; ok: number; mean: number | null; p95: number | null; left_out: number }[]
    >(
      `WITH w AS (SELECT * FROM unnest($4::timestamptz[], $5::timestamptz[]) AS w(s, e)),
            l AS (SELECT *, EXISTS (SELECT 1 FROM w WHERE created_at >= w.s AND created_at < w.e)
                             AS held
                    FROM omni2.mcp_health_log
                   WHERE server_id = $1 AND event_type = 'health_check'
                     AND created_at >= $2 AND created_at < $3)
       SELECT count(*) FILTER (WHERE NOT held)::int AS checks,
              count(*) FILTER (WHERE NOT held AND error_kind IS NULL AND error_message IS NULL)::int
                AS ok,
              avg(response_time_ms) FILTER (WHERE NOT held) AS mean,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms)
                FILTER (WHERE NOT held) AS p95,
              count(*) FILTER (WHERE held)::int AS left_out
         FROM l`,
      [
        server.id,
        from,
        to,
        excluded.map(([s]) => new Date(s)),
        excluded.map(([, e]) => new Date(e)),
      ],
    );
    const checks = stats?.checks ?? 0;
    const ok = stats?.ok ?? 0;
    return {
      server_id: server.id,
      window,
      from: from.toISOString(),
      to: to.toISOString(),
      uptime_percent: checks === 0 ? null : Math.round((ok / checks) * 100_000) / 1_000,
      checks,
      successful_checks: ok,
      mean_response_time_ms:
        stats?.mean === null || stats?.mean === undefined ? null : round(stats.mean),
      p95_response_time_ms:
        stats?.p95 === null || stats?.p95 === undefined ? null : round(stats.p95),
      downtime_seconds: await this.downtimeSeconds(server.id, from.getTime(), now, excluded),
      method: UPTIME_METHOD,
      maintenance: {
        counted: maintenance.counted,
        excluded_checks: stats?.left_out ?? 0,
        seconds: Math.round(covered.reduce((sum, [s, e]) => sum + (e - s), 0) / 1_000),
      },
    };
  }

  /** Deletes rows older than the retention, in bounded batches. */
  async prune(retentionDays: number): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < 100; batch++) {
      const result = await this.repo.query<[unknown[], number]>(
        `DELETE FROM omni2.mcp_health_log WHERE id IN (
           SELECT id FROM omni2.mcp_health_log
            WHERE created_at < now() - make_interval(days => $1) LIMIT 10000)`,
        [retentionDays],
      );
      total += result[1];
      if (result[1] < 10_000) break;
    }
    return total;
  }

  /** Sums outage intervals (circuit open until closed or disabled) clipped to the window. */
  private async downtimeSeconds(
    serverId: string,
    fromMs: number,
    nowMs: number,
    excluded: readonly [number, number][],
  ): Promise<number> {
    const rows = await this.repo.query<{ event_type: string; at: Date }[]>(
      `(SELECT event_type, created_at AS at FROM omni2.mcp_health_log
         WHERE server_id = $1 AND event_type = ANY($3) AND created_at < $2
         ORDER BY id DESC LIMIT 1)
       UNION ALL
       (SELECT event_type, created_at AS at FROM omni2.mcp_health_log
         WHERE server_id = $1 AND event_type = ANY($3) AND created_at >= $2
         ORDER BY id)`,
      [serverId, new Date(fromMs), [OUTAGE_START, ...OUTAGE_END]],
    );
    let downSince: number | null = null;
    let total = 0;
    const add = (s: number, e: number) => (total += e - s - overlap(s, e, excluded));
    for (const row of rows) {
      const at = Math.max(row.at.getTime(), fromMs);
      if (row.event_type === OUTAGE_START) {
        downSince ??= at;
      } else if (downSince !== null) {
        add(downSince, at);
        downSince = null;
      }
    }
    if (downSince !== null) add(downSince, nowMs);
    return Math.round(total / 1_000);
  }
}

/** How much of [s, e) the sorted, disjoint intervals cover. */
function overlap(s: number, e: number, intervals: readonly [number, number][]): number {
  let sum = 0;
  for (const [a, b] of intervals) sum += Math.max(0, Math.min(b, e) - Math.max(a, s));
  return sum;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
