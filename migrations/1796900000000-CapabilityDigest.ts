import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: what a server offers (a digest of its tool, prompt and resource names), so that a
 * capability change is noticed once in the database, whichever replicas refresh the server,
 * and notified once (`capabilities_changed`).
 */
export class CapabilityDigest1796900000000 implements MigrationInterface {
  name = 'CapabilityDigest1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE omni2.mcp_servers ADD COLUMN capability_digest text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE omni2.mcp_servers DROP COLUMN capability_digest`);
  }
}
