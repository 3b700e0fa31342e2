import {
  LOG_LEVELS,
  RUNTIME_CONFIG_KEYS,
  RUNTIME_DEFAULTS,
  type RuntimeConfigKey,
  type RuntimeSettings,
} from '@omni2/contracts';
import { z } from 'zod';

const seconds = (max: number) => z.number().int().min(1).max(max);

const healthCheck = z
  .object({
    interval_seconds: seconds(86_400),
    unhealthy_interval_seconds: seconds(86_400),
    timeout_seconds: seconds(600),
    concurrency: z.number().int().min(1).max(1_000),
  })
  .strict();

const circuitBreaker = z
  .object({
    enabled: z.boolean(),
    failure_threshold: z.number().int().min(1).max(1_000),
    timeout_seconds: seconds(86_400),
    backoff_multiplier: z.number().min(1).max(10),
    max_timeout_seconds: seconds(7 * 86_400),
    half_open_max_calls: z.number().int().min(1).max(100),
    max_failure_cycles: z.number().int().min(1).max(1_000),
    auto_disable_enabled: z.boolean(),
    disable_after_minutes: z.number().int().min(1).max(525_600),
  })
  .strict()
  .refine((v) => v.max_timeout_seconds >= v.timeout_seconds, {
    path: ['max_timeout_seconds'],
    message: 'must be at least timeout_seconds',
  });

const logging = z
  .object({
    level: z.enum(LOG_LEVELS),
    component_names: z.array(z.string().min(1).max(64)).max(100),
  })
  .strict();

const healthLog = z.object({ retention_days: z.number().int().min(1).max(3_650) }).strict();

const alerts = z
  .object({
    critical_failure_count: z.number().int().min(1).max(100_000),
    critical_window_seconds: seconds(86_400),
    // Settings stored before issue 17 lack it: they read as the default.
    maintenance_counts_in_uptime: z.boolean().default(false),
  })
  .strict();

const rateLimits = z
  .object({
    login_attempts_per_minute: z.number().int().min(1).max(10_000),
    login_lockout_threshold: z.number().int().min(1).max(1_000),
    login_lockout_seconds: seconds(86_400),
    login_lockout_max_seconds: seconds(7 * 86_400),
    tool_executions_per_minute: z.number().int().min(1).max(1_000_000),
    // Added after the others: a client that sends the older shape keeps working.
    tool_timeout_max_seconds: seconds(86_400).default(
      RUNTIME_DEFAULTS.rate_limits.tool_timeout_max_seconds,
    ),
  })
  .strict()
  .refine((v) => v.login_lockout_max_seconds >= v.login_lockout_seconds, {
    path: ['login_lockout_max_seconds'],
    message: 'must be at least login_lockout_seconds',
  });

const events = z.object({ max_length: z.number().int().min(100).max(10_000_000) }).strict();

export const RUNTIME_SCHEMAS: { [K in RuntimeConfigKey]: z.ZodType<RuntimeSettings[K]> } = {
  health_check: healthCheck,
  circuit_breaker: circuitBreaker,
  logging,
  health_log: healthLog,
  alerts,
  rate_limits: rateLimits,
  events,
};

/**
 * A stored value may predate a newly added field, or be hand-edited badly. Missing fields take
 * their defaults; an invalid stored value falls back to the defaults rather than stopping checks.
 */
export function readStoredSetting<K extends RuntimeConfigKey>(
  key: K,
  stored: unknown,
): { value: RuntimeSettings[K]; valid: boolean } {
  const merged =
    typeof stored === 'object' && stored !== null
      ? { ...RUNTIME_DEFAULTS[key], ...stored }
      : RUNTIME_DEFAULTS[key];
  const parsed = RUNTIME_SCHEMAS[key].safeParse(merged);
  return parsed.success
    ? { value: parsed.data, valid: true }
    : { value: RUNTIME_DEFAULTS[key], valid: false };
}

/** Whichever setting the path names: the body of `PUT /config/:key` (validated per key). */
export const anyRuntimeSettingSchema = z.union(
  RUNTIME_CONFIG_KEYS.map((key) => RUNTIME_SCHEMAS[key].meta({ title: key })),
);
