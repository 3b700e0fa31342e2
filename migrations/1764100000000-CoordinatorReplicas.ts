import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CoordinatorReplicas1764100000000 implements MigrationInterface {
  name = 'CoordinatorReplicas1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // Heartbeats: a server changes hands only when the replica holding its session is silent.
    await q.query(`
      CREATE TABLE omni2.coordinator_replicas (
        id text PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE omni2.coordinator_replicas`);
  }
}
