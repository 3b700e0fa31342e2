import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { McpServerEntity } from '../registry/mcp-server.entity';

/**
 * The distributed scheduler: due servers are claimed with FOR UPDATE SKIP LOCKED and leased by
 * pushing next_check_at past the check's worst case. Replicas never check a server twice at
 * once, and a dead replica's leases simply run out and the servers fall due again.
 */
@Injectable()
export class ClaimStore {
  constructor(
    @InjectRepository(McpServerEntity) private readonly repo: Repository<McpServerEntity>,
  ) {}

  /**
   * Claims due servers for `replicaId`: its own (it holds their sessions) and unowned ones; a
   * server another replica checked last changes hands only when that replica's heartbeat is
   * older than `deadAfterSeconds`. Sessions then stay on one replica instead of being opened
   * again by whichever replica happens to claim first. A claimed server is leased for
   * `leaseSeconds` plus its own timeout (its connect may take that long).
   */
  async claim(
    replicaId: string,
    limit: number,
    leaseSeconds: number,
    deadAfterSeconds = 0,
  ): Promise<McpServerEntity[]> {
    if (limit <= 0) return [];
    // For UPDATE ... RETURNING, TypeORM's query() answers [rows, affected count].
    const [claimed] = await this.repo.query<[{ id: string }[], number]>(
      `UPDATE omni2.mcp_servers s
          SET claimed_by = $1, claimed_at = now(),
              next_check_at = now() + make_interval(secs => $3 + s.timeout_seconds)
        WHERE s.id IN (
          SELECT id FROM omni2.mcp_servers
           WHERE status = 'active' AND next_check_at <= now()
             AND (checked_by IS NULL OR checked_by = $1 OR NOT EXISTS (
                   SELECT 1 FROM omni2.coordinator_replicas r
                    WHERE r.id = checked_by AND r.last_seen > now() - make_interval(secs => $4)))
           ORDER BY next_check_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING s.id`,
      [replicaId, limit, leaseSeconds, deadAfterSeconds],
    );
    return this.load(claimed);
  }

  /**
   * Takes due servers from live replicas that hold more than their fair share, while
   * `replicaId` holds less, so a replica added to relieve the others gets work although every
   * server already has a live owner. Fair share is ceil(active servers / live replicas); a
   * replica's share counts its checks in flight (`claimed_by`) as well as the servers it checked
   * last, so repeated ticks do not take more than the shortfall before those checks land. From
   * each donor it takes at most that donor's excess, so no server moves twice to even things out.
   * The excess is ranked without locks (window functions cannot lock), then re-checked and locked.
   * `aheadSeconds` (one tick) lets it take servers due before the donor's next tick: the donor
   * claims its own due servers at every tick, so without it the taker only ever got the ones that
   * fell due between its tick and the donor's, and a new replica took minutes to reach its share.
   */
  async rebalance(
    replicaId: string,
    limit: number,
    leaseSeconds: number,
    deadAfterSeconds: number,
    aheadSeconds = 0,
  ): Promise<McpServerEntity[]> {
    if (limit <= 0) return [];
    const [claimed] = await this.repo.query<[{ id: string }[], number]>(
      `WITH live AS (
         SELECT id FROM omni2.coordinator_replicas
          WHERE last_seen > now() - make_interval(secs => $4)),
       share AS (
         SELECT COALESCE(claimed_by, checked_by) AS holder, count(*) AS n
           FROM omni2.mcp_servers WHERE status = 'active' GROUP BY 1),
       fair AS (
         SELECT ceil(COALESCE(sum(n), 0) / GREATEST((SELECT count(*) FROM live), 1)) AS n FROM share),
       donors AS (
         SELECT holder, share.n - fair.n AS excess FROM share, fair
          WHERE share.n > fair.n AND holder <> $1 AND holder IN (SELECT id FROM live)),
       quota AS (
         SELECT GREATEST(0, LEAST($2, fair.n - COALESCE(
                  (SELECT n FROM share WHERE holder = $1), 0)))::int AS n FROM fair),
       offered AS (
         SELECT id FROM (
           SELECT s.id, d.excess,
                  row_number() OVER (PARTITION BY s.checked_by ORDER BY s.next_check_at) AS k
             FROM omni2.mcp_servers s JOIN donors d ON d.holder = s.checked_by
            WHERE s.status = 'active' AND s.claimed_by IS NULL
              AND s.next_check_at <= now() + make_interval(secs => $5)) o
          WHERE k <= excess),
       picked AS (
         SELECT id FROM omni2.mcp_servers
          WHERE id IN (SELECT id FROM offered)
            AND status = 'active' AND claimed_by IS NULL
            AND next_check_at <= now() + make_interval(secs => $5)
          ORDER BY next_check_at
          LIMIT (SELECT n FROM quota)
          FOR UPDATE SKIP LOCKED)
       UPDATE omni2.mcp_servers s
          SET claimed_by = $1, claimed_at = now(),
              next_check_at = now() + make_interval(secs => $3 + s.timeout_seconds)
         FROM picked WHERE s.id = picked.id
       RETURNING s.id`,
      [replicaId, limit, leaseSeconds, deadAfterSeconds, aheadSeconds],
    );
    return this.load(claimed);
  }

  private async load(claimed: { id: string }[]): Promise<McpServerEntity[]> {
    if (claimed.length === 0) return [];
    return this.repo.findBy({ id: In(claimed.map((c) => c.id)) });
  }

  /**
   * Records that `replicaId` is alive, and answers how many replicas are (itself included): those
   * heard from within `deadAfterSeconds`.
   */
  async heartbeat(replicaId: string, deadAfterSeconds: number): Promise<number> {
    // The main query does not see the row its own CTE writes, hence the others plus one.
    const [{ others }] = await this.repo.query<{ others: number }[]>(
      `WITH beat AS (
         INSERT INTO omni2.coordinator_replicas (id) VALUES ($1)
         ON CONFLICT (id) DO UPDATE SET last_seen = now())
       SELECT count(*)::int AS others FROM omni2.coordinator_replicas
        WHERE id <> $1 AND last_seen > now() - make_interval(secs => $2)`,
      [replicaId, deadAfterSeconds],
    );
    return others + 1;
  }

  async forgetReplicas(olderThanSeconds: number): Promise<void> {
    await this.repo.query(
      `DELETE FROM omni2.coordinator_replicas WHERE last_seen < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    );
  }

  /** Hands unfinished leases back so other replicas check those servers at once. */
  async release(replicaId: string): Promise<number> {
    await this.repo.query(`DELETE FROM omni2.coordinator_replicas WHERE id = $1`, [replicaId]);
    const result = await this.repo.query<[unknown[], number]>(
      `UPDATE omni2.mcp_servers SET claimed_by = NULL, claimed_at = NULL, next_check_at = now()
        WHERE claimed_by = $1 AND status = 'active'`,
      [replicaId],
    );
    return result[1];
  }
}
