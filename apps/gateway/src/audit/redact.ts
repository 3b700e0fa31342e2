import { REDACTED } from '@omni2/contracts';
import { storableText } from '../common/text-safety';

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
  // An alert channel's settings: webhook secret and headers, chat URLs with tokens, SMTP login.
  'config',
]);

/** Bounds of what an audit entry keeps of a body: it records a change, it is not a copy. */
export const AUDIT_BODY_LIMITS = { depth: 8, entries: 100, text: 1_000, names: 50 } as const;
const ELIDED = '…';

/**
 * A request body as the audit log keeps it: secrets replaced by "***", stdio env values hidden
 * (names kept), tool arguments reduced to their names (they may carry anything). Every string
 * and key is storable text; depth, entries per level and string length are bounded, so any body
 * (however deep, wide or odd) gives an entry PostgreSQL accepts.
 */
export function redactBody(value: unknown, key = '', depth = 0): unknown {
  if (SECRET_FIELDS.has(key.toLowerCase())) return value === null ? null : REDACTED;
  if (typeof value === 'string') return storableText(value, AUDIT_BODY_LIMITS.text);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  // Not JSON (bigint, undefined, functions): recorded as text rather than failing the entry.
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return typeof value;
  if (depth >= AUDIT_BODY_LIMITS.depth) return ELIDED;
  if (key === 'arguments' && isObject(value)) return { names: namesOf(value) };
  if (key === 'env' && isObject(value)) {
    return Object.fromEntries(namesOf(value).map((k) => [k, REDACTED]));
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, AUDIT_BODY_LIMITS.entries).map((v) => redactBody(v, '', depth + 1));
    return value.length > kept.length ? [...kept, ELIDED] : kept;
  }
  const entries = Object.entries(value);
  const kept = entries
    .slice(0, AUDIT_BODY_LIMITS.entries)
    .map(([k, v]) => [storableText(k, 200), redactBody(v, k, depth + 1)] as const);
  return Object.fromEntries(entries.length > kept.length ? [...kept, [ELIDED, ELIDED]] : kept);
}

function namesOf(value: Record<string, unknown>): string[] {
  return Object.keys(value)
    .slice(0, AUDIT_BODY_LIMITS.names)
    .map((k) => storableText(k, 200));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
