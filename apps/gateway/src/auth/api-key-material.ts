import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '@omni2/contracts';

/** Characters of the key kept in clear (with the prefix) so people can tell keys apart. */
const VISIBLE_CHARS = 8;

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

/**
 * API keys are 32 random bytes, so a fast digest is enough to store them safely (there is no
 * dictionary to attack), and checking one costs microseconds instead of a password hash.
 */
export function generateApiKey(): NewApiKey {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return {
    key,
    prefix: key.slice(0, API_KEY_PREFIX.length + VISIBLE_CHARS),
    hash: hashApiKey(key),
  };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}
