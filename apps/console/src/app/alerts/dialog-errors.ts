import type { FieldError } from '@omni2/contracts';
import { type ApiError, describeError } from '../core/api-error';

/**
 * The message a dialog shows above its buttons for a refused save: the field errors no field of
 * the dialog shows (`shown`: names, and prefixes ending in "." for nested ones), or a nudge
 * to the marked fields, or the error itself when it names no field.
 */
export function generalMessage(error: ApiError | null, shown: readonly string[]): string | null {
  if (!error) return null;
  if (error.fieldErrors.length === 0) {
    return error.code === 'FORBIDDEN' ? `Not allowed: ${error.message}` : describeError(error);
  }
  const isShown = (f: FieldError) =>
    shown.some((s) => (s.endsWith('.') ? f.field.startsWith(s) : f.field === s));
  const unshown = error.fieldErrors.filter((f) => !isShown(f));
  return unshown.length > 0
    ? unshown.map((f) => `${f.field}: ${f.message}`).join('; ')
    : 'Please fix the marked fields.';
}
