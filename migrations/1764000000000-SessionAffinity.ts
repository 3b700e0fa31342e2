import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SessionAffinity1764000000000 implements MigrationInterface {
  name = 'SessionAffinity1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // The replica that last checked the server, and so holds its live session: claims prefer
    // their own servers so sessions are not duplicated across replicas.
    await q.query(`ALTER TABLE omni2.mcp_servers ADD COLUMN checked_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE omni2.mcp_servers DROP COLUMN checked_by`);
  }
}
