import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: the audit log is read filtered by actor, action, server and time, newest first and
 * paged by id. Each filter gets an index that yields its rows in id order, so a filtered page
 * reads about a page of rows. Time ranges use audit_log_created_idx; a server is matched by
 * target id (audit_log_target_idx) or by target name (here).
 */
export class AuditFilters1796456422461 implements MigrationInterface {
  name = 'AuditFilters1796456422461';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX audit_log_action_idx ON omni2.audit_log (action, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON omni2.audit_log (actor, id)`);
    await q.query(
      `CREATE INDEX audit_log_actor_id_idx ON omni2.audit_log (actor_id, id) WHERE actor_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX audit_log_target_name_idx ON omni2.audit_log (target_type, target_name, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX omni2.audit_log_target_name_idx`);
    await q.query(`DROP INDEX omni2.audit_log_actor_id_idx`);
    await q.query(`DROP INDEX omni2.audit_log_actor_idx`);
    await q.query(`DROP INDEX omni2.audit_log_action_idx`);
  }
}
