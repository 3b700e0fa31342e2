import { EncryptionKeyring, parseEncryptionKey } from '../common/encryption-key';
import { SecretCodec, SecretUnreadableError } from './secret-codec';

const A = parseEncryptionKey('a'.repeat(64));
const B = parseEncryptionKey(Buffer.alloc(32, 7).toString('base64'));
const value = { token: 'tok-123' };

describe('SecretCodec', () => {
  it('seals with AES-256-GCM under the current key id and opens it again', () => {
    const codec = new SecretCodec(new EncryptionKeyring(A));
    const sealed = codec.seal(value, 'auth_config')!;
    expect(sealed.startsWith(`enc1:${A.id}:`)).toBe(true);
    expect(sealed).not.toContain('tok-123');
    expect(codec.seal(value, 'auth_config')).not.toBe(sealed); // fresh IV each time
    expect(codec.open(sealed, 'auth_config')).toEqual(value);
    expect(codec.isCurrent(sealed)).toBe(true);
  });

  it('binds a ciphertext to its column', () => {
    const codec = new SecretCodec(new EncryptionKeyring(A));
    const sealed = codec.seal(value, 'auth_config');
    expect(() => codec.open(sealed, 'env')).toThrow(SecretUnreadableError);
  });

  it('opens values of a previous key after rotation, and names a missing key', () => {
    const old = new SecretCodec(new EncryptionKeyring(A)).seal(value, 'env');
    const rotated = new SecretCodec(new EncryptionKeyring(B, [A]));
    expect(rotated.open(old, 'env')).toEqual(value);
    expect(rotated.isCurrent(old)).toBe(false);
    const blind = new SecretCodec(new EncryptionKeyring(B));
    expect(() => blind.open(old, 'env')).toThrow(new RegExp(`sealed with key ${A.id}`));
    expect(blind.names(old, 'env')).toEqual([]);
  });

  it('reads plain JSON left by versions before encryption', () => {
    const codec = new SecretCodec(new EncryptionKeyring(A));
    expect(codec.open('{"token":"x"}', 'auth_config')).toEqual({ token: 'x' });
    expect(codec.isSealed('{"token":"x"}')).toBe(false);
    expect(codec.seal({}, 'env')).toBeNull();
  });

  it('accepts keys as hex or base64 and refuses anything else', () => {
    expect(parseEncryptionKey('a'.repeat(64)).bytes).toHaveLength(32);
    expect(() => parseEncryptionKey('short')).toThrow(/32 bytes/);
    expect(() => parseEncryptionKey(Buffer.alloc(16).toString('base64'))).toThrow();
  });
});
