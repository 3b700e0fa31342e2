/**
 * Strings omni2 can store and send: PostgreSQL `text` and `jsonb` refuse NUL, `jsonb` refuses
 * lone surrogates (and UTF-8 cannot carry them), and a control character in a URL, path or
 * header changes what it means. Inputs with them are refused at the edge; texts omni2 stores
 * from elsewhere (audit entries, upstream errors) are made safe with `storableText`.
 */

/** Why `value` cannot be stored as text, or null. */
export function unstorableReason(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (!value.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

// C0 controls, DEL and C1 controls, plus the line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Why `value` cannot be a single-line value (URL, path, command, name), or null. */
export function singleLineReason(value: string): string | null {
  return (
    unstorableReason(value) ?? (CONTROL.test(value) ? 'must not contain control characters' : null)
  );
}

/**
 * `value` as something every store and wire accepts: NUL and lone surrogates become U+FFFD, and
 * it is cut to `max` UTF-16 units without splitting a pair.
 */
export function storableText(value: string, max = 2_000): string {
  const cut = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return cut.replaceAll('\u0000', '\uFFFD').toWellFormed();
}
