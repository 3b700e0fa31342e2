import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations';

export const DB_SCHEMA = 'omni2';

/**
 * `entities` comes from the caller (the app passes ENTITIES from ../entities) so that this folder
 * stays below the features whose entities it would otherwise import; tools that only run SQL,
 * such as migrations and `secrets:rotate`, pass none. Required, so that no caller that uses
 * repositories can forget them.
 */
export function dataSourceOptions(
  url: string,
  poolSize: number,
  entities: NonNullable<DataSourceOptions['entities']>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema: DB_SCHEMA,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'omni2' },
  };
}
