import { RUNTIME_CONFIG_KEYS } from '@omni2/contracts';
import { Client } from 'pg';
import { MIGRATIONS } from '../../../../migrations';
import { createEmptyDatabase, type TestDatabase } from '../../test/support/test-database';
import { runMigrations } from './run-migrations';

describe('migrations behind the advisory lock', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createEmptyDatabase();
  });

  afterEach(async () => {
    await db.drop();
  });

  it('applies each migration exactly once when three replicas start together', async () => {
    const results = await Promise.all([
      runMigrations(db.url),
      runMigrations(db.url),
      runMigrations(db.url),
    ]);
    const applied = results.flat();
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query('SELECT name FROM omni2.schema_migrations');
      expect(rows.rowCount).toBe(MIGRATIONS.length);
      const config = await client.query('SELECT key FROM omni2.omni2_config ORDER BY key');
      // Every setting is seeded but `logging`: unset, each replica logs at its LOG_LEVEL.
      expect(config.rows.map((r: { key: string }) => r.key)).toEqual(
        RUNTIME_CONFIG_KEYS.filter((k) => k !== 'logging').sort(),
      );
    } finally {
      await client.end();
    }
  });

  it('is a no-op on an up-to-date database', async () => {
    await runMigrations(db.url);
    await expect(runMigrations(db.url)).resolves.toEqual([]);
  });
});
