/**
 * Domain error codes. The gateway's exception filter maps each to an HTTP status with an
 * exhaustive switch, and clients (console, scripts) branch on the code, never on message text.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'SERVER_NOT_FOUND',
  'SERVER_NAME_TAKEN',
  'SERVER_DISABLED',
  'TOOL_NOT_FOUND',
  'TOOL_ARGUMENTS_INVALID',
  /** An input_token that no paused tool call here holds (answered, expired, or never issued). */
  'TOOL_INPUT_NOT_FOUND',
  /** A run id that no tool run on any replica holds (finished, cancelled, or never issued). */
  'TOOL_RUN_NOT_FOUND',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'CIRCUIT_OPEN',
  /** The server is not an OAuth server an operator authorizes (`grant: authorization_code`). */
  'OAUTH_NOT_AUTHORIZABLE',
  /** An OAuth callback that cannot complete: unknown, used or expired state, denied, refused. */
  'OAUTH_AUTHORIZATION_FAILED',
  'CONFIG_KEY_UNKNOWN',
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'USER_NOT_FOUND',
  'USERNAME_TAKEN',
  'API_KEY_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  /** SPEC §12: an alert channel, rule or maintenance window that does not exist. */
  'ALERT_NOT_FOUND',
  /** SPEC §12: another channel or rule already has the name. */
  'ALERT_NAME_TAKEN',
  /** A dependency of omni2 itself (database, event stream, audit log) is down: retry later. */
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  /** Dotted path of the offending field, e.g. `url` or `auth_config.token`. */
  field: string;
  message: string;
}

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}
