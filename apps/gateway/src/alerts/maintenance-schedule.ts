import { CronExpressionParser } from 'cron-parser';

/** The schedule fields of a maintenance window. */
export interface WindowSchedule {
  starts_at: Date;
  ends_at: Date | null;
  recurrence: string | null;
  duration_seconds: number | null;
}

/** The occurrence of `w` covering `at`, as [start, end), or null when none does. */
export function occurrenceAt(w: WindowSchedule, at: Date): [Date, Date] | null {
  const t = at.getTime();
  if (t < w.starts_at.getTime()) return null;
  if (w.recurrence === null) {
    return w.ends_at !== null && t < w.ends_at.getTime() ? [w.starts_at, w.ends_at] : null;
  }
  if (w.ends_at !== null && t >= w.ends_at.getTime()) return null;
  const duration = (w.duration_seconds ?? 0) * 1_000;
  // The latest occurrence starting at or before `at` (cron's prev() is strictly before).
  const cron = CronExpressionParser.parse(w.recurrence, {
    currentDate: new Date(t + 1_000),
    tz: 'UTC',
  });
  const start = cron.prev().toDate();
  if (start.getTime() < w.starts_at.getTime()) return null;
  const end = new Date(start.getTime() + duration);
  return t < end.getTime() ? [start, end] : null;
}

/** The first occurrence starting after `at`, within the window's bounds; null when none is left. */
export function nextOccurrenceAfter(w: WindowSchedule, at: Date): [Date, Date] | null {
  if (w.recurrence === null) {
    return w.starts_at > at && w.ends_at !== null ? [w.starts_at, w.ends_at] : null;
  }
  const from = w.starts_at > at ? new Date(w.starts_at.getTime() - 1_000) : at;
  const start = CronExpressionParser.parse(w.recurrence, { currentDate: from, tz: 'UTC' })
    .next()
    .toDate();
  if (w.ends_at !== null && start >= w.ends_at) return null;
  return [start, new Date(start.getTime() + (w.duration_seconds ?? 0) * 1_000)];
}

/** Checks a cron expression (five fields, UTC): the problem in words, or null. */
export function recurrenceProblem(expression: string): string | null {
  if (expression.trim().split(/\s+/).length !== 5) {
    return 'must be a five-field cron expression (minute hour day month weekday), in UTC';
  }
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return null;
  } catch (error) {
    return `is not a cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** At most this many occurrences are listed for one window (a per-minute cron over 30 days). */
const MAX_OCCURRENCES = 5_000;

/**
 * The time within [from, to) that the windows cover, as merged, sorted intervals (epoch ms):
 * what uptime leaves out when maintenance does not count.
 */
export function coveredIntervals(
  windows: readonly WindowSchedule[],
  from: Date,
  to: Date,
): [number, number][] {
  const raw: [number, number][] = [];
  const lo = from.getTime();
  const hi = to.getTime();
  for (const w of windows) {
    if (w.recurrence === null) {
      if (w.ends_at !== null) raw.push([w.starts_at.getTime(), w.ends_at.getTime()]);
      continue;
    }
    const duration = (w.duration_seconds ?? 0) * 1_000;
    const start = Math.max(lo - duration, w.starts_at.getTime() - 1_000);
    const cron = CronExpressionParser.parse(w.recurrence, {
      currentDate: new Date(start),
      endDate: new Date(Math.min(hi, w.ends_at?.getTime() ?? hi)),
      tz: 'UTC',
    });
    for (let i = 0; i < MAX_OCCURRENCES && cron.hasNext(); i++) {
      const s = cron.next().getTime();
      if (s < w.starts_at.getTime()) continue;
      raw.push([s, s + duration]);
    }
  }
  const clipped = raw
    .map(([s, e]): [number, number] => [Math.max(s, lo), Math.min(e, hi)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of clipped) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}
