/** Small, pure formatting helpers shared by every page. Nulls render as an em dash. */

export const DASH = '—';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value === 100) return '100%';
  return `${value.toFixed(digits)}%`;
}

/** "1 h 5 min", "42 s", "3 d 4 h": two units at most. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, label] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${label}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "just now", "12 s ago", "5 min ago", "in 40 s"; null → em dash. */
export function relativeTime(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return DASH;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return DASH;
  const delta = Math.round((nowMs - at) / 1000);
  if (Math.abs(delta) < 3) return 'just now';
  const text = formatDuration(Math.abs(delta)).split(' ').slice(0, 2).join(' ');
  return delta > 0 ? `${text} ago` : `in ${text}`;
}

/** Absolute local date-time for tooltips. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? DASH : at.toLocaleString();
}

/** Local wall-clock time as HH:MM (24 h), e.g. when something expires today. */
export function formatClockTime(ms: number): string {
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) return DASH;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** Shortens long text in the middle, keeping both ends (URLs keep host and path tail). */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep * 0.6);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
