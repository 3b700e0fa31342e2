import {
  coveredIntervals,
  nextOccurrenceAfter,
  occurrenceAt,
  recurrenceProblem,
  type WindowSchedule,
} from './maintenance-schedule';

const at = (iso: string) => new Date(iso);

describe('maintenance schedules', () => {
  const oneOff: WindowSchedule = {
    starts_at: at('2026-12-05T10:00:00Z'),
    ends_at: at('2026-12-05T12:00:00Z'),
    recurrence: null,
    duration_seconds: null,
  };
  // Sundays 02:00-03:00 UTC, from December 2026 on.
  const weekly: WindowSchedule = {
    starts_at: at('2026-12-01T00:00:00Z'),
    ends_at: null,
    recurrence: '0 2 * * 0',
    duration_seconds: 3_600,
  };

  it('tells whether an occurrence covers a moment', () => {
    expect(occurrenceAt(oneOff, at('2026-12-05T11:00:00Z'))).not.toBeNull();
    expect(occurrenceAt(oneOff, at('2026-12-05T12:00:00Z'))).toBeNull();
    expect(occurrenceAt(weekly, at('2026-12-06T02:00:00Z'))?.[0].toISOString()).toBe(
      '2026-12-06T02:00:00.000Z',
    );
    expect(occurrenceAt(weekly, at('2026-12-06T02:59:59Z'))).not.toBeNull();
    expect(occurrenceAt(weekly, at('2026-12-06T03:00:00Z'))).toBeNull();
    expect(occurrenceAt(weekly, at('2026-11-29T02:30:00Z'))).toBeNull(); // before it starts
  });

  it('finds the next occurrence', () => {
    expect(nextOccurrenceAfter(weekly, at('2026-12-06T04:00:00Z'))?.[0].toISOString()).toBe(
      '2026-12-13T02:00:00.000Z',
    );
    expect(nextOccurrenceAfter(oneOff, at('2026-12-05T13:00:00Z'))).toBeNull();
  });

  it('lists the covered time in a range, merged and clipped', () => {
    const from = at('2026-12-05T11:00:00Z');
    const to = at('2026-12-20T00:00:00Z');
    expect(coveredIntervals([oneOff, weekly], from, to)).toEqual([
      [from.getTime(), at('2026-12-05T12:00:00Z').getTime()],
      [at('2026-12-06T02:00:00Z').getTime(), at('2026-12-06T03:00:00Z').getTime()],
      [at('2026-12-13T02:00:00Z').getTime(), at('2026-12-13T03:00:00Z').getTime()],
    ]);
    const overlapping = { ...oneOff, ends_at: at('2026-12-06T02:30:00Z') };
    expect(coveredIntervals([overlapping, weekly], from, at('2026-12-07T00:00:00Z'))).toEqual([
      [from.getTime(), at('2026-12-06T03:00:00Z').getTime()],
    ]);
  });

  it('names what is wrong with a recurrence', () => {
    expect(recurrenceProblem('0 2 * * 0')).toBeNull();
    expect(recurrenceProblem('0 2 * *')).toMatch(/five-field/);
    expect(recurrenceProblem('61 2 * * 0')).toMatch(/not a cron expression/);
  });
});
