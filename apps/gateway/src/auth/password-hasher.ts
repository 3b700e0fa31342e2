import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB per hash, about 100 ms on this class of machine. */
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const MAX_MEM = 64 * 1024 * 1024;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((done, fail) =>
    scrypt(password, salt, KEY_BYTES, { ...params, maxmem: MAX_MEM }, (error, key) =>
      error ? fail(error) : done(key),
    ),
  );
}

/**
 * Memory-hard password hashes (scrypt from node:crypto), stored as
 * `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old hashes.
 */
@Injectable()
export class PasswordHasher {
  private decoy: Promise<string> | null = null;

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, COST);
    return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join(
      '$',
    );
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** Spends the same time as a real check, so unknown user names are not revealed by timing. */
  async burn(password: string): Promise<void> {
    this.decoy ??= this.hash('decoy password that matches nothing');
    await this.verify(password, await this.decoy);
  }
}
