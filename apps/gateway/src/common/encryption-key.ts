import { createHash } from 'node:crypto';

/** An AES-256 key with the short id stored beside every ciphertext it seals. */
export interface EncryptionKey {
  id: string;
  bytes: Buffer;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** Accepts 32 bytes written as 64 hex characters or as base64 / base64url. */
export function parseEncryptionKey(text: string): EncryptionKey {
  const trimmed = text.trim();
  let bytes: Buffer;
  if (HEX_KEY.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (BASE64_KEY.test(trimmed)) bytes = Buffer.from(trimmed, 'base64url');
  else throw new Error('must be 32 bytes as 64 hex characters or base64');
  if (bytes.length !== 32) throw new Error('must decode to exactly 32 bytes');
  return { id: keyId(bytes), bytes };
}

/** Not secret: a digest prefix that names the key without revealing it. */
function keyId(bytes: Buffer): string {
  return createHash('sha256')
    .update('omni2-key-id\0')
    .update(bytes)
    .digest('base64url')
    .slice(0, 8);
}

/** The key new secrets are sealed with, plus older keys still accepted for reading (rotation). */
export class EncryptionKeyring {
  private readonly byId: Map<string, EncryptionKey>;

  constructor(
    readonly current: EncryptionKey,
    previous: EncryptionKey[] = [],
  ) {
    this.byId = new Map([...previous, current].map((k) => [k.id, k]));
  }

  find(id: string): EncryptionKey | undefined {
    return this.byId.get(id);
  }
}
