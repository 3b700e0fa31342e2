/** SPEC §6 roles, from least to most privileged. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** True when `role` carries at least the rights of `required`. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Prefix of every API key, so a leaked key is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'omni2_';

export const USERNAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/;
export const PASSWORD_MIN_LENGTH = 12;

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds until the token expires. */
  expires_in: number;
}

/** Who the caller is (`GET /auth/me`). */
export interface PrincipalView {
  /** User id, or API key id for a key. */
  id: string;
  /** Username, or the key's name for an API key. */
  name: string;
  role: Role;
  kind: 'user' | 'api_key';
  /** When the credential stops working (token expiry, key expiry); null when it does not. */
  expires_at: string | null;
}

export interface UserView {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CreateUserRequest {
  username: string;
  password: string;
  role: Role;
}

export interface UpdateUserRequest {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  /** The first characters of the key, enough to recognise it; the key itself is never stored. */
  prefix: string;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreateApiKeyRequest {
  name: string;
  role: Role;
  /** Optional lifetime; absent means the key does not expire. */
  expires_in_days?: number;
}

/** Returned once, when the key is created; the full key is never shown again. */
export interface CreatedApiKey extends ApiKeyView {
  key: string;
}

export interface AuditEntryView {
  id: string;
  /** Username or API key name; `system` for automatic actions. */
  actor: string;
  actor_kind: 'user' | 'api_key' | 'system';
  /** e.g. `server.create`, `server.update`, `tool.execute`, `user.create`, `auth.login_failed`. */
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  /** What changed: field names and non-secret values; secrets appear as `"***"`. */
  details: Record<string, unknown>;
  ip: string | null;
  created_at: string;
}

export interface AuditPage {
  items: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next_cursor: string | null;
}
