import type { DataSource } from 'typeorm';
import { DB_SCHEMA } from './data-source-options';

/** Arbitrary but fixed: every omni2 replica contends on the same advisory lock. */
const MIGRATION_LOCK_ID = 0x6f6d6e69; // "omni"

/**
 * Runs pending migrations once even when several replicas start together: the first takes the
 * advisory lock and migrates, the others wait on the lock and then find nothing to do.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS ${DB_SCHEMA}`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
