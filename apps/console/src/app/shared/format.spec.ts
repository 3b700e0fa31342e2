import {
  formatClockTime,
  formatDuration,
  formatMs,
  formatPercent,
  relativeTime,
  truncateMiddle,
} from './format';

describe('format', () => {
  it('formats milliseconds, null as a dash', () => {
    expect(formatMs(4.4)).toBe('4 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(null)).toBe('—');
  });

  it('formats percentages without a fake 100.0', () => {
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(99.94)).toBe('99.9%');
    expect(formatPercent(null)).toBe('—');
  });

  it('formats durations with two units at most', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3725)).toBe('1 h 2 min');
    expect(formatDuration(90_061)).toBe('1 d 1 h');
  });

  it('writes relative times in both directions', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeTime('2026-01-01T11:59:59Z', now)).toBe('just now');
    expect(relativeTime('2026-01-01T11:59:18Z', now)).toBe('42 s ago');
    expect(relativeTime('2026-01-01T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-01-01T12:00:40Z', now)).toBe('in 40 s');
    expect(relativeTime(null, now)).toBe('—');
    expect(relativeTime('not a date', now)).toBe('—');
  });

  it('truncates in the middle, keeping both ends', () => {
    const url = 'https://mcp.example.com/some/very/long/path/to/the/endpoint/mcp';
    const short = truncateMiddle(url, 30);
    expect(short).toHaveLength(30);
    expect(short.startsWith('https://mcp.')).toBe(true);
    expect(short.endsWith('/mcp')).toBe(true);
    expect(truncateMiddle('short', 30)).toBe('short');
  });

  it('formats a local wall-clock time as HH:MM', () => {
    expect(formatClockTime(new Date(2030, 0, 1, 9, 5).getTime())).toBe('09:05');
    expect(formatClockTime(new Date(2030, 0, 1, 23, 59, 59).getTime())).toBe('23:59');
    expect(formatClockTime(NaN)).toBe('—');
  });
});
