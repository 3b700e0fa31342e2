import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: notifications of fleet-wide events that any replica may notice (a wave of failures,
 * a capability change seen by two replicas) carry a key, so one change is one notification per
 * rule and channel, whichever replicas stage it.
 */
export class AlertDedupe1796800000000 implements MigrationInterface {
  name = 'AlertDedupe1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE omni2.alert_outbox ADD COLUMN dedupe_key text`);
    await q.query(`CREATE UNIQUE INDEX alert_outbox_dedupe_idx
      ON omni2.alert_outbox (channel_id, rule_id, dedupe_key) WHERE dedupe_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX omni2.alert_outbox_dedupe_idx`);
    await q.query(`ALTER TABLE omni2.alert_outbox DROP COLUMN dedupe_key`);
  }
}
