/** Names fixed by SPEC §1–§2. Kept as const tuples so both runtime validation and types derive from one list. */
export const PROTOCOLS = ['streamable_http', 'sse', 'stdio'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const AUTH_TYPES = ['none', 'bearer', 'api_key', 'basic', 'headers', 'oauth'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export const SERVER_STATUSES = ['active', 'inactive'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

export const DISABLED_REASONS = ['manual', 'auto'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

export const HEALTH_STATUSES = [
  'unknown',
  'healthy',
  'unhealthy',
  'circuit_open',
  'disabled',
  /** SPEC §11: the server needs an operator's OAuth authorization; not counted as down. */
  'auth_required',
] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** SPEC §11: how omni2 gets tokens for an `oauth` server. */
export const OAUTH_GRANTS = ['client_credentials', 'authorization_code'] as const;
export type OAuthGrant = (typeof OAUTH_GRANTS)[number];

export const ERROR_KINDS = ['unreachable', 'timeout', 'auth', 'protocol', 'process_exit'] as const;

/**
 * SPEC §10: `modern` speaks MCP 2026-07-28 (stateless: server/discover, per-request `_meta`);
 * `legacy` the 2025 revisions (initialize, sessions, ping).
 */
export const PROTOCOL_ERAS = ['modern', 'legacy'] as const;
export type ProtocolEra = (typeof PROTOCOL_ERAS)[number];

/** The modern revision omni2 speaks. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const SERVER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isNetworkProtocol(protocol: Protocol): boolean {
  return protocol !== 'stdio';
}
