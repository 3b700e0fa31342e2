import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppEnv } from '../config/env.schema';
import { UUID } from '../common/uuid';
import { InstanceSecrets } from '../secrets/instance-secrets';

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;
const ENCODED_HEADER = encode(HEADER);
const ISSUER = 'omni2';

export interface AccessClaims {
  sub: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Issue time in ms: compared with a password change made within the same second. */
  iat_ms: number;
  exp: number;
  iss: string;
  jti: string;
}

export type TokenCheck =
  | { ok: true; claims: AccessClaims }
  | { ok: false; reason: 'malformed' | 'algorithm' | 'signature' | 'expired' | 'claims' };

/**
 * Access tokens: compact JWTs signed with HMAC-SHA256. Verification accepts exactly the header
 * omni2 issues, so `alg: none` or any other algorithm is refused before the signature is read.
 */
@Injectable()
export class TokenService {
  private readonly secret: Buffer;
  readonly ttlSeconds: number;

  constructor(
    secrets: InstanceSecrets,
    env: AppEnv,
    private readonly clock: Clock,
  ) {
    this.secret = secrets.jwtSecret;
    this.ttlSeconds = env.values.OMNI2_TOKEN_TTL_MINUTES * 60;
  }

  issue(subject: string): { token: string; claims: AccessClaims } {
    const now = this.clock.now();
    const iat = Math.floor(now / 1_000);
    const claims: AccessClaims = {
      sub: subject,
      iat,
      iat_ms: now,
      exp: iat + this.ttlSeconds,
      iss: ISSUER,
      jti: randomBytes(9).toString('base64url'),
    };
    const body = `${ENCODED_HEADER}.${encode(claims)}`;
    return { token: `${body}.${this.sign(body)}`, claims };
  }

  verify(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    if (header !== ENCODED_HEADER) {
      return { ok: false, reason: decodes(header) ? 'algorithm' : 'malformed' };
    }
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'signature' };
    }
    const claims = decode(payload);
    if (
      !claims ||
      typeof claims.sub !== 'string' ||
      // Subjects are user ids: anything else was never issued here, whatever signed it.
      !UUID.test(claims.sub) ||
      typeof claims.exp !== 'number' ||
      typeof claims.iat !== 'number' ||
      typeof claims.iat_ms !== 'number' ||
      claims.iss !== ISSUER
    ) {
      return { ok: false, reason: 'claims' };
    }
    if (claims.exp * 1_000 <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: claims as unknown as AccessClaims };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function decodes(part: string): boolean {
  return decode(part) !== null;
}
