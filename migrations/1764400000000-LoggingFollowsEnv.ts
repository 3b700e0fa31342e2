import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `logging` setting was seeded with `info`, which would override every replica's LOG_LEVEL
 * once settings are applied live. Unset now means "each replica logs at its LOG_LEVEL"; the row
 * exists only once an operator sets it. A value an operator changed is kept.
 */
export class LoggingFollowsEnv1764400000000 implements MigrationInterface {
  name = 'LoggingFollowsEnv1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM omni2.omni2_config
      WHERE key = 'logging' AND value = '{"level":"info","component_names":[]}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO omni2.omni2_config (key, value)
      VALUES ('logging', '{"level":"info","component_names":[]}')
      ON CONFLICT (key) DO NOTHING`);
  }
}
