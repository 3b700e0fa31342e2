import type { Env } from '../config/env.schema';
import { DataFolder } from '../database/data-folder';
import { EncryptionKeyring, parseEncryptionKey } from './encryption-key';

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
