import { REDACTED } from '@omni2/contracts';

/** Fields whose values are secrets wherever they appear in a request body. */
const SECRET_FIELDS = new Set([
  'auth_config',
  'password',
  'current_password',
  'new_password',
  'token',
  'key',
  'secret',
  'authorization',
]);

/**
 * A request body as the audit log keeps it: secrets replaced by "***", stdio env values hidden
 * (names kept), tool arguments reduced to their names (they may carry anything).
 */
export function redactBody(value: unknown, key = ''): unknown {
  if (SECRET_FIELDS.has(key.toLowerCase())) return value === null ? null : REDACTED;
  if (key === 'arguments' && isObject(value)) return { names: Object.keys(value) };
  if (key === 'env' && isObject(value)) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  }
  if (Array.isArray(value)) return value.map((v) => redactBody(v));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactBody(v, k)]));
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
