import { compareEventIds } from '@omni2/contracts';

/** Stream ids are `<ms>-<seq>` (Redis stream ids; the in-process stream makes the same shape). */
export const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

/**
 * Whether events after `since` may be missing from a stream whose oldest kept event is `first`
 * and newest ever assigned id is `last`: `since` is older than what was kept (trimmed), or the
 * stream no longer knows it (emptied, or restarted without persistence).
 */
export function isGap(since: string, first: string | null, last: string | null): boolean {
  if (first !== null) return compareEventIds(since, first) < 0;
  return last === null || compareEventIds(since, last) !== 0;
}
