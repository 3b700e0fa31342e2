import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { migrateWithLock } from './migrate';

/** Migrates on a short-lived connection before the app starts serving. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2, []) });
  await dataSource.initialize();
  try {
    return await migrateWithLock(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
