import 'reflect-metadata';
import pino from 'pino';
import { loadEnvOrExit } from './config/env.schema';
import { DataFolder } from './database/data-folder';
import { EmbeddedDatabase } from './database/embedded-postgres';
import { runMigrations } from './database/run-migrations';
import { createHttpApp } from './http-app';

async function main(): Promise<void> {
  const env = loadEnvOrExit();
  const log = pino({ level: env.values.LOG_LEVEL }).child({ component: 'bootstrap' });
  process.on('warning', (warning) =>
    log.warn({ warning: warning.name, detail: warning.message }, 'process warning'),
  );

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.values.DATABASE_URL;
  let app: Awaited<ReturnType<typeof createHttpApp>> | null = null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Sessions and stdio children close in the app's shutdown hooks; the database goes last.
    await app?.close().catch((error: unknown) => log.error({ err: error }, 'app close failed'));
    await embedded?.stop().catch((error: unknown) => log.error({ err: error }, 'pg stop failed'));
    process.exit(0);
  };
  process.once('SIGINT', (s) => void stop(s));
  process.once('SIGTERM', (s) => void stop(s));

  try {
    if (databaseUrl === undefined) {
      embedded = new EmbeddedDatabase(new DataFolder(env.values.OMNI2_DATA_DIR), log);
      databaseUrl = await embedded.start();
    }
    const applied = await runMigrations(databaseUrl);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    app = await createHttpApp({ env, databaseUrl });
    app.enableShutdownHooks([]);
    await app.listen(env.values.PORT, env.values.HOST);
    log.info(
      { port: env.values.PORT, mode: embedded ? 'embedded' : 'external', docs: '/api/docs' },
      `omni2 listening on http://${env.values.HOST}:${env.values.PORT}`,
    );
  } catch (error) {
    log.fatal({ err: error }, 'startup failed');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
