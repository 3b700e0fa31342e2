import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Secrets an embedded install generates once and keeps in its data folder (0600), so a second
 * start reuses them and nothing has to be configured by hand.
 */
export interface EmbeddedSecrets {
  postgres_password: string;
  /** Signs access tokens when JWT_SECRET is unset. */
  jwt_secret: string;
  /** Seals upstream credentials when OMNI2_ENCRYPTION_KEY is unset (32 bytes, base64url). */
  encryption_key: string;
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

  /** Generated once; a folder from an older version gains the secrets it lacks. */
  secrets(): EmbeddedSecrets {
    const file = join(this.root, 'secrets.json');
    const stored = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<EmbeddedSecrets>)
      : {};
    const complete: EmbeddedSecrets = {
      postgres_password: stored.postgres_password ?? randomBytes(24).toString('base64url'),
      jwt_secret: stored.jwt_secret ?? randomBytes(48).toString('base64url'),
      encryption_key: stored.encryption_key ?? randomBytes(32).toString('base64url'),
    };
    const changed = (Object.keys(complete) as (keyof EmbeddedSecrets)[]).some(
      (k) => stored[k] === undefined,
    );
    if (changed) {
      writeFileSync(file, JSON.stringify(complete, null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return complete;
  }
}
