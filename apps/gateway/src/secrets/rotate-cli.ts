import 'reflect-metadata';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { loadEnvOrExit } from '../config/env.schema';
import { DataFolder } from '../database/data-folder';
import { dataSourceOptions } from '../database/data-source-options';
import { EmbeddedDatabase } from '../database/embedded-postgres';
import { InstanceSecrets } from './instance-secrets';
import { resealSecrets } from './reseal';
import { SecretCodec } from './secret-codec';

/**
 * `npm run secrets:rotate`: reseal every stored credential with OMNI2_ENCRYPTION_KEY, opening
 * old values with OMNI2_PREVIOUS_ENCRYPTION_KEYS. Run it after every replica has the new key;
 * afterwards the previous keys can be removed. Embedded mode: stop omni2 first (the command
 * starts the embedded database itself).
 */
async function main(): Promise<number> {
  const env = loadEnvOrExit();
  const log = pino({ level: env.values.LOG_LEVEL }).child({ component: 'secrets' });
  const secrets = InstanceSecrets.resolve(env.values);
  let embedded: EmbeddedDatabase | null = null;
  let url = env.values.DATABASE_URL;
  if (url === undefined) {
    embedded = new EmbeddedDatabase(new DataFolder(env.values.OMNI2_DATA_DIR), log);
    url = await embedded.start();
  }
  const db = await new DataSource(dataSourceOptions(url, 2, [])).initialize();
  try {
    const report = await resealSecrets(db, new SecretCodec(secrets.keyring), 'stale');
    log.info(
      { key_id: secrets.keyring.current.id, ...report },
      `resealed ${report.resealed} of ${report.rows} servers with key ${secrets.keyring.current.id}`,
    );
    if (report.unreadable.length > 0) {
      log.error(
        { servers: report.unreadable },
        'some credentials open with no configured key: add the key they were sealed with to OMNI2_PREVIOUS_ENCRYPTION_KEYS',
      );
      return 1;
    }
    return 0;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`secrets:rotate failed: ${String(error)}\n`);
    process.exit(1);
  },
);
