import { QueryFailedError } from 'typeorm';

function sqlState(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const code = (error.driverError as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** PostgreSQL's unique_violation: a duplicate name, caught at the constraint, not by a pre-read. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/**
 * PostgreSQL refused a value, not the connection: a data exception (class 22: bad text, bad
 * uuid, out of range), an integrity constraint (23) or a size limit (54). Retrying the same
 * statement fails the same way; anything else (connection lost, shutdown) may pass later.
 */
export function isRefusedValue(error: unknown): boolean {
  const state = sqlState(error);
  return state !== null && /^(22|23|54)/.test(state);
}

/**
 * The database could not be reached or is going away: a connection failure of the driver, or
 * PostgreSQL's connection (08), resources (53) or operator-intervention (57) classes.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== null) return /^(08|53|57)/.test(state);
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/.test(code)) {
    return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Driver not Connected/i.test(
    error.message,
  );
}
