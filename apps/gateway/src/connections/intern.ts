/** Bounded so a fleet of all-different servers cannot grow it without limit. */
const LIMIT = 20_000;
const table = new Map<string, unknown>();

/**
 * Returns a shared copy of `value`: each parsed reply is a fresh copy, and ten thousand sessions
 * to the same kind of server would otherwise hold ten thousand equal strings and objects. Shared
 * values are read-only by contract.
 */
export function intern<T>(value: T): T {
  const key = typeof value === 'string' ? `s${value}` : `j${JSON.stringify(value)}`;
  const hit = table.get(key);
  if (hit !== undefined) return hit as T;
  if (table.size >= LIMIT) table.clear();
  table.set(key, value);
  return value;
}
