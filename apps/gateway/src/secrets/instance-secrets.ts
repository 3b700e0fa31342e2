import { Logger } from '@nestjs/common';
import type { Env } from '../config/env.schema';
import { DataFolder } from '../database/data-folder';
import { EncryptionKeyring, parseEncryptionKey } from '../common/encryption-key';

/**
 * The process's own secrets: the token signing secret and the upstream-credential keyring. From
 * the environment when set (required in production); otherwise generated once and kept in the
 * data folder (0600), so an embedded install needs no setup and survives restarts.
 */
export class InstanceSecrets {
  constructor(
    readonly jwtSecret: Buffer,
    readonly keyring: EncryptionKeyring,
  ) {}

  static resolve(env: Env): InstanceSecrets {
    const warning = sharedDatabaseWarning(env);
    if (warning) new Logger('secrets').warn(warning);
    const needsFolder = env.JWT_SECRET === undefined || env.OMNI2_ENCRYPTION_KEY === undefined;
    const stored = needsFolder ? new DataFolder(env.OMNI2_DATA_DIR).secrets() : null;
    const jwtSecret = env.JWT_SECRET ?? stored!.jwt_secret;
    const current = parseEncryptionKey(env.OMNI2_ENCRYPTION_KEY ?? stored!.encryption_key);
    const previous = env.OMNI2_PREVIOUS_ENCRYPTION_KEYS.map(parseEncryptionKey);
    return new InstanceSecrets(
      Buffer.from(jwtSecret, 'utf8'),
      new EncryptionKeyring(current, previous),
    );
  }
}

/**
 * With a database of its own choosing (DATABASE_URL), other replicas may share it; a secret
 * generated into this replica's data folder is then this replica's alone, and tokens or stored
 * credentials from the others fail here. Said at every start until the secrets are set.
 */
export function sharedDatabaseWarning(env: Env): string | null {
  if (env.DATABASE_URL === undefined) return null;
  const missing = (['JWT_SECRET', 'OMNI2_ENCRYPTION_KEY'] as const).filter(
    (key) => env[key] === undefined,
  );
  if (missing.length === 0) return null;
  return (
    `${missing.join(' and ')} not set: using the value generated in ${env.OMNI2_DATA_DIR}. ` +
    'Every replica on this database needs the same value; set it explicitly before adding one.'
  );
}
