import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventSettings1764300000000 implements MigrationInterface {
  name = 'EventSettings1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO omni2.omni2_config (key, value) VALUES ('events', '{"max_length":10000}')
      ON CONFLICT (key) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM omni2.omni2_config WHERE key = 'events'`);
  }
}
