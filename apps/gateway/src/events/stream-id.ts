/** Stream ids are `<ms>-<seq>` (Redis stream ids; the in-process stream makes the same shape). */
export const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * Whether events after `since` may be missing from a stream whose oldest kept event is `first`
 * and newest ever assigned id is `last`: `since` is older than what was kept (trimmed), or the
 * stream no longer knows it (emptied, or restarted without persistence).
 */
export function isGap(since: string, first: string | null, last: string | null): boolean {
  if (first !== null) return compareIds(since, first) < 0;
  return last === null || compareIds(since, last) !== 0;
}
