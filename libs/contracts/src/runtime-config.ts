/** Runtime settings stored in `omni2_config` (SPEC §1), applied without restart. */
export interface HealthCheckSettings {
  interval_seconds: number;
  unhealthy_interval_seconds: number;
  timeout_seconds: number;
  concurrency: number;
}

export interface CircuitBreakerSettings {
  enabled: boolean;
  failure_threshold: number;
  timeout_seconds: number;
  backoff_multiplier: number;
  max_timeout_seconds: number;
  half_open_max_calls: number;
  max_failure_cycles: number;
  auto_disable_enabled: boolean;
  disable_after_minutes: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggingSettings {
  level: LogLevel;
  /** Components to log; empty means all. */
  component_names: string[];
}

export interface HealthLogSettings {
  /** Rows older than this are pruned. */
  retention_days: number;
}

export interface AlertSettings {
  /** This many circuits opening within the window raise one `critical_alert`. */
  critical_failure_count: number;
  critical_window_seconds: number;
  /**
   * SPEC §12: whether time inside a maintenance window counts in uptime. False: checks in a
   * window are left out of the uptime figure and its downtime (each answer says so).
   */
  maintenance_counts_in_uptime: boolean;
}

/** Abuse limits (SPEC §6). Login limits are shared by all replicas; tool limits are per replica. */
export interface RateLimitSettings {
  /** Login attempts per client address per minute, successful or not. */
  login_attempts_per_minute: number;
  /** Consecutive failed logins for one user name before it is locked. */
  login_lockout_threshold: number;
  /** First lockout; each further failure while over the threshold doubles it. */
  login_lockout_seconds: number;
  login_lockout_max_seconds: number;
  /** Tool executions per caller per minute (a token bucket that refills continuously). */
  tool_executions_per_minute: number;
  /**
   * The longest `timeout_seconds` a tool execution may ask for (the server's own
   * `timeout_seconds` applies when it asks for none).
   */
  tool_timeout_max_seconds: number;
}

export interface EventSettings {
  /** Events kept in the stream for replay (approximate trimming). */
  max_length: number;
}

export interface RuntimeSettings {
  health_check: HealthCheckSettings;
  circuit_breaker: CircuitBreakerSettings;
  logging: LoggingSettings;
  health_log: HealthLogSettings;
  alerts: AlertSettings;
  rate_limits: RateLimitSettings;
  events: EventSettings;
}
export type RuntimeConfigKey = keyof RuntimeSettings;
export const RUNTIME_CONFIG_KEYS: readonly RuntimeConfigKey[] = [
  'health_check',
  'circuit_breaker',
  'logging',
  'health_log',
  'alerts',
  'rate_limits',
  'events',
];

export const RUNTIME_DEFAULTS: RuntimeSettings = {
  health_check: {
    interval_seconds: 60,
    unhealthy_interval_seconds: 30,
    timeout_seconds: 10,
    concurrency: 50,
  },
  circuit_breaker: {
    enabled: true,
    failure_threshold: 5,
    timeout_seconds: 60,
    backoff_multiplier: 2,
    max_timeout_seconds: 600,
    half_open_max_calls: 3,
    max_failure_cycles: 3,
    auto_disable_enabled: true,
    disable_after_minutes: 30,
  },
  logging: { level: 'info', component_names: [] },
  health_log: { retention_days: 30 },
  alerts: {
    critical_failure_count: 5,
    critical_window_seconds: 60,
    maintenance_counts_in_uptime: false,
  },
  rate_limits: {
    login_attempts_per_minute: 20,
    login_lockout_threshold: 5,
    login_lockout_seconds: 30,
    login_lockout_max_seconds: 900,
    tool_executions_per_minute: 300,
    tool_timeout_max_seconds: 600,
  },
  events: { max_length: 10_000 },
};

export interface ConfigEntryView<K extends RuntimeConfigKey = RuntimeConfigKey> {
  key: K;
  value: RuntimeSettings[K];
  updated_at: string | null;
}
