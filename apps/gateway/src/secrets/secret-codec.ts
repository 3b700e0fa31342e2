import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EncryptionKeyring } from '../common/encryption-key';

/** Which column a secret belongs to; bound into the ciphertext so values cannot be swapped. */
export type SecretField = 'auth_config' | 'env' | 'oauth_tokens' | 'alert_config';

const FORMAT = 'enc1';
const IV_BYTES = 12;

export class SecretUnreadableError extends Error {}

/**
 * The single path by which upstream secrets (`auth_config`, stdio `env`) are written to and read
 * from the database: AES-256-GCM, sealed as `enc1:<key id>:<iv>:<tag>:<ciphertext>` (base64url),
 * so a rotated key can still open what older keys sealed. Plain JSON left by versions before
 * encryption is still read, and `npm run secrets:rotate` reseals it.
 */
@Injectable()
export class SecretCodec {
  constructor(private readonly keys: EncryptionKeyring) {}

  seal(value: Record<string, unknown> | null, field: SecretField): string | null {
    if (value === null || Object.keys(value).length === 0) return null;
    const key = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
    cipher.setAAD(Buffer.from(field));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [FORMAT, key.id, b64(iv), b64(cipher.getAuthTag()), b64(body)].join(':');
  }

  open(sealed: string | null, field: SecretField): Record<string, unknown> | null {
    if (sealed === null) return null;
    if (!sealed.startsWith(`${FORMAT}:`)) return JSON.parse(sealed) as Record<string, unknown>;
    const [, keyId, iv, tag, body] = sealed.split(':');
    const key = this.keys.find(keyId ?? '');
    if (!key || !iv || !tag || body === undefined) {
      throw new SecretUnreadableError(
        `${field} was sealed with key ${keyId}, which is not configured (OMNI2_ENCRYPTION_KEY / OMNI2_PREVIOUS_ENCRYPTION_KEYS)`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(field));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const text = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new SecretUnreadableError(`${field} failed authentication: tampered or wrong key`);
    }
  }

  /**
   * The keys of a sealed object (stdio env variable names, shown to operators). A value no
   * configured key can open shows no names rather than failing a whole list.
   */
  names(sealed: string | null, field: SecretField): string[] {
    try {
      return Object.keys(this.open(sealed, field) ?? {});
    } catch (error) {
      if (error instanceof SecretUnreadableError) return [];
      throw error;
    }
  }

  isSealed(sealed: string | null): boolean {
    return sealed === null || sealed.startsWith(`${FORMAT}:`);
  }

  /** True when the value is sealed with the current key (nothing to rotate). */
  isCurrent(sealed: string | null): boolean {
    return sealed === null || sealed.startsWith(`${FORMAT}:${this.keys.current.id}:`);
  }
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
