import { EncryptionKeyring, parseEncryptionKey } from '../../src/common/encryption-key';
import { SecretCodec } from '../../src/secrets/secret-codec';

/** Fixed instance secrets for tests, so separate processes on one database agree. */
export const TEST_ENCRYPTION_KEY = 'a'.repeat(64);
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

export function testCodec(): SecretCodec {
  return new SecretCodec(new EncryptionKeyring(parseEncryptionKey(TEST_ENCRYPTION_KEY)));
}
