import { z } from 'zod';
import { parseEncryptionKey } from '../common/encryption-key';

const optionalNonEmpty = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const encryptionKey = z.string().refine(
  (v) => {
    try {
      parseEncryptionKey(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)' },
);

const listOf = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

/** Process environment (SPEC §8), validated once at boot; `.env.example` mirrors it. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: optionalNonEmpty.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
        .optional(),
    ),
    REDIS_URL: optionalNonEmpty.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
        .optional(),
    ),
    /** Prefix for omni2's Redis keys when one Redis serves several installations (or tests). */
    OMNI2_REDIS_NAMESPACE: optionalNonEmpty.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
        .optional(),
    ),
    OMNI2_DATA_DIR: z.string().default('./data'),
    OMNI2_ENCRYPTION_KEY: optionalNonEmpty.pipe(encryptionKey.optional()),
    /** Older keys still accepted for reading while `npm run secrets:rotate` reseals. */
    OMNI2_PREVIOUS_ENCRYPTION_KEYS: listOf.pipe(z.array(encryptionKey)),
    JWT_SECRET: optionalNonEmpty.pipe(
      z.string().min(32, 'must be at least 32 characters (openssl rand -base64 48)').optional(),
    ),
    /** Access token lifetime. */
    OMNI2_TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    /** Express `trust proxy`: set when omni2 runs behind a proxy, so client addresses are real. */
    OMNI2_TRUST_PROXY: optionalNonEmpty,
    OMNI2_ADMIN_USER: z.string().default('admin'),
    OMNI2_ADMIN_PASSWORD: optionalNonEmpty.pipe(
      z.string().min(12, 'must be at least 12 characters').optional(),
    ),
    OMNI2_STDIO_ALLOWLIST: listOf,
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
    OMNI2_COORDINATOR: z.enum(['on', 'off']).default('on'),
    OMNI2_COORDINATOR_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    OMNI2_WATCHDOG_STALL_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
    /**
     * lean: omni2's own Streamable HTTP session (a few KB per server); sdk: the MCP SDK's client
     * (about 200 KB per server), kept as a fallback for a server the lean session trips over.
     */
    OMNI2_STREAMABLE_HTTP_CLIENT: z.enum(['lean', 'sdk']).default('lean'),
    /** Set: `/metrics` needs `Authorization: Bearer <token>`. Unset: public (cluster network). */
    OMNI2_METRICS_TOKEN: optionalNonEmpty.pipe(
      z
        .string()
        .min(16, 'must be at least 16 characters (openssl rand -hex 24)')
        .regex(/^\S+$/, 'must not contain spaces')
        .optional(),
    ),
    /** On SIGTERM: readiness fails, then the replica keeps serving this long before closing. */
    OMNI2_SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(0),
    /** On SIGTERM: the whole shutdown is bounded by this; past it the process exits anyway. */
    OMNI2_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(20_000),
    /**
     * SPEC §11: omni2's externally visible base URL (scheme, host, optional path prefix). OAuth
     * redirects come back to `<base>/api/v1/oauth/callback`. Unset: `http://localhost:<PORT>`.
     */
    OMNI2_PUBLIC_URL: optionalNonEmpty.pipe(
      z
        .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
        .refine((v) => !/[?#]/.test(v), 'must not have a query or fragment')
        .transform((v) => v.replace(/\/+$/, ''))
        .optional(),
    ),
    /**
     * Where authorization servers fetch omni2's Client ID Metadata Document, when it is hosted
     * somewhere they can reach (omni2 itself is often internal). Must be https with a path.
     * Unset: `<OMNI2_PUBLIC_URL>/api/v1/oauth/client-metadata.json` when that is https.
     */
    OMNI2_OAUTH_CLIENT_METADATA_URL: optionalNonEmpty.pipe(
      z
        .url({ protocol: /^https$/, error: 'must be an https:// URL' })
        .refine((v) => new URL(v).pathname.length > 1, 'must have a path')
        .optional(),
    ),
    OMNI2_AUDIT_MAX_PENDING: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
    OMNI2_AUDIT_STALL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  })
  .superRefine((env, ctx) => {
    if (env.OMNI2_SHUTDOWN_DRAIN_MS >= env.OMNI2_SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['OMNI2_SHUTDOWN_DRAIN_MS'],
        message: 'must be less than OMNI2_SHUTDOWN_TIMEOUT_MS (the drain is part of the shutdown)',
      });
    }
    if (env.NODE_ENV !== 'production') return;
    for (const key of ['DATABASE_URL', 'JWT_SECRET', 'OMNI2_ENCRYPTION_KEY'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'is required when NODE_ENV=production',
        });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment and reports every bad key at once, not just the first. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new EnvValidationError(problems);
}

/** Injectable holder of the validated environment. */
export class AppEnv {
  constructor(readonly values: Env) {}

  get embeddedDatabase(): boolean {
    return this.values.DATABASE_URL === undefined;
  }
}

/** For entry points: the validated environment, or every problem on stderr and exit code 2. */
export function loadEnvOrExit(source: NodeJS.ProcessEnv = process.env): AppEnv {
  try {
    return new AppEnv(parseEnv(source));
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
