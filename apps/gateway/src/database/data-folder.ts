import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Secrets an embedded install generates once and keeps in its data folder (0600), so a second
 * start reuses them and nothing has to be configured by hand.
 */
export interface EmbeddedSecrets {
  postgres_password: string;
}

export class DataFolder {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    mkdirSync(this.root, { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach data/pg.
    // Traverse-only for others: the files inside keep their own, stricter modes.
    if (process.getuid?.() === 0) chmodSync(this.root, 0o711);
  }

  get postgresDir(): string {
    return join(this.root, 'pg');
  }

  get postgresInitialised(): boolean {
    return existsSync(join(this.postgresDir, 'PG_VERSION'));
  }

  secrets(): EmbeddedSecrets {
    const file = join(this.root, 'secrets.json');
    if (existsSync(file)) {
      return JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSecrets;
    }
    const created: EmbeddedSecrets = { postgres_password: randomBytes(24).toString('base64url') };
    writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
    return created;
  }
}
