import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/gateway/src/database/data-source-options';
import { ENTITIES } from '../apps/gateway/src/entities';

/** DataSource for the TypeORM CLI (`npx typeorm -d dist/migrations/data-source.js migration:show`). */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required for the migration CLI');
export default new DataSource(dataSourceOptions(url, 20, ENTITIES));
