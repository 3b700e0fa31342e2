import type { DataSourceOptions } from 'typeorm';
import { dataSourceOptions as withoutEntities } from '../../src/database/data-source-options';
import { ENTITIES } from '../../src/entities';

/** The app's DataSource options with every entity, for specs that use repositories directly. */
export function dataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return withoutEntities(url, poolSize, ENTITIES);
}
