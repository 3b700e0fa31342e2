import 'reflect-metadata';
import pino from 'pino';
import { loadEnvOrExit } from './config/env.schema';
import { DataFolder } from './database/data-folder';
import { EmbeddedDatabase } from './database/embedded-postgres';
import { runMigrations } from './database/run-migrations';
import { CoordinatorService } from './coordinator/coordinator.service';
import { createHttpApp } from './http-app';
import { GracefulShutdown } from './shutdown/graceful-shutdown';
import { ShutdownState } from './shutdown/shutdown-state';

async function main(): Promise<void> {
  const env = loadEnvOrExit();
  const log = pino({ level: env.values.LOG_LEVEL }).child({ component: 'bootstrap' });
  process.on('warning', (warning) =>
    log.warn({ warning: warning.name, detail: warning.message }, 'process warning'),
  );

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.values.DATABASE_URL;
  let app: Awaited<ReturnType<typeof createHttpApp>> | null = null;
  const shutdown = new GracefulShutdown(
    () => ({
      drain: async () => {
        if (!app) return;
        app.get(ShutdownState).begin();
        await app.get(CoordinatorService).stop();
      },
      // Sockets, HTTP, MCP sessions, stdio children and the flushes close in the app's hooks;
      // the embedded database goes last.
      close: async () => {
        await app?.close().catch((error: unknown) => log.error({ err: error }, 'app close failed'));
        await embedded
          ?.stop()
          .catch((error: unknown) => log.error({ err: error }, 'pg stop failed'));
      },
    }),
    {
      drainMs: env.values.OMNI2_SHUTDOWN_DRAIN_MS,
      timeoutMs: env.values.OMNI2_SHUTDOWN_TIMEOUT_MS,
      log,
      exit: (code) => process.exit(code),
    },
  );
  shutdown.listen();

  try {
    if (databaseUrl === undefined) {
      embedded = new EmbeddedDatabase(new DataFolder(env.values.OMNI2_DATA_DIR), log);
      databaseUrl = await embedded.start();
    }
    const applied = await runMigrations(databaseUrl);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    app = await createHttpApp({ env, databaseUrl });
    shutdown.claimSignals();
    await app.listen(env.values.PORT, env.values.HOST);
    log.info(
      { port: env.values.PORT, mode: embedded ? 'embedded' : 'external', docs: '/api/docs' },
      `omni2 listening on http://${env.values.HOST}:${env.values.PORT}`,
    );
  } catch (error) {
    if (shutdown.started) return; // stopped while starting: the shutdown owns the exit
    log.fatal({ err: error }, 'startup failed');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
