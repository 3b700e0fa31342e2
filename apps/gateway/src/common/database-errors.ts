import { QueryFailedError } from 'typeorm';

/** PostgreSQL's unique_violation: a duplicate name, caught at the constraint, not by a pre-read. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505'
  );
}
