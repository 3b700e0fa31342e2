import type { FieldError } from '@omni2/contracts';
import type { z } from 'zod';
import { DomainError } from './domain-error';

function joinPath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(body)';
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: joinPath([...issue.path, key]),
          message: 'is not a known field',
        }))
      : [{ field: joinPath(issue.path), message: issue.message }],
  );
}

/** Parses untrusted input or throws a 400 that names every offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw DomainError.validation(fieldErrors(result.error));
  return result.data;
}
