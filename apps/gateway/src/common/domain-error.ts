import type { ErrorCode, FieldError } from '@omni2/contracts';

/** Thrown by services; the exception filter turns the code into an HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(errors: FieldError[]): DomainError {
    const summary = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new DomainError('VALIDATION_FAILED', summary, errors);
  }
}
