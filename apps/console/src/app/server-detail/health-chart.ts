import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { HealthLogEntry } from '@omni2/contracts';
import { formatMs } from '../shared/format';

const W = 800;
const H = 180;
const PAD = { left: 56, right: 12, top: 12, bottom: 30 };
const BAND = 10;

export interface ChartModel {
  line: string;
  points: { x: number; y: number; ok: boolean; title: string }[];
  band: { x: number; w: number; cls: string; title: string }[];
  maxMs: number;
  from: string;
  to: string;
  checks: number;
  failures: number;
}

/** Pure: health-check log rows (any order) -> coordinates. Failed checks sit on the axis in red. */
export function chartModel(entries: readonly HealthLogEntry[]): ChartModel | null {
  const rows = entries
    .filter((e) => e.event_type === 'health_check')
    .map((e) => ({ ...e, t: Date.parse(e.created_at) }))
    .filter((e) => !Number.isNaN(e.t))
    .sort((a, b) => a.t - b.t);
  if (rows.length === 0) return null;
  const t0 = rows[0].t;
  const t1 = Math.max(rows[rows.length - 1].t, t0 + 1);
  const maxMs = Math.max(1, ...rows.map((r) => r.response_time_ms ?? 0));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom - BAND - 4;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (ms: number) => PAD.top + plotH - (ms / maxMs) * plotH;
  const points = rows.map((r) => {
    const ok = r.error_message === null;
    return {
      x: x(r.t),
      y: ok && r.response_time_ms !== null ? y(r.response_time_ms) : PAD.top + plotH,
      ok,
      title: `${new Date(r.t).toLocaleString()}: ${
        ok
          ? formatMs(r.response_time_ms)
          : `failed${r.error_kind ? ` (${r.error_kind})` : ''}: ${r.error_message}`
      }`,
    };
  });
  const okPoints = points.filter((p) => p.ok);
  const line = okPoints
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
    .join(' ');
  const band = rows.map((r, i) => {
    const start = i === 0 ? x(r.t) : (x(rows[i - 1].t) + x(r.t)) / 2;
    const end = i === rows.length - 1 ? x(r.t) + 2 : (x(r.t) + x(rows[i + 1].t)) / 2;
    return {
      x: start,
      w: Math.max(1, end - start),
      // Waiting for an operator's authorization is not down: its own colour, not the failed red.
      cls:
        r.error_message === null || r.status === 'auth_required'
          ? `band-${r.status}`
          : 'band-failed',
      title: `${new Date(r.t).toLocaleString()}: ${r.status}`,
    };
  });
  return {
    line,
    points,
    band,
    maxMs,
    from: new Date(t0).toLocaleString(),
    to: new Date(t1).toLocaleString(),
    checks: rows.length,
    failures: points.filter((p) => !p.ok).length,
  };
}

/** Response time (line) and status (band) over the last checks, as inline SVG. */
@Component({
  selector: 'o2-health-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (model(); as m) {
      <svg
        class="chart"
        [attr.viewBox]="'0 0 ' + w + ' ' + h"
        role="img"
        [attr.aria-label]="
          'Response time and status of the last ' + m.checks + ' checks, ' + m.failures + ' failed'
        "
        data-testid="health-chart"
      >
        <line
          class="axis"
          [attr.x1]="pad.left"
          [attr.x2]="w - pad.right"
          [attr.y1]="baseY"
          [attr.y2]="baseY"
        />
        <line
          class="grid"
          [attr.x1]="pad.left"
          [attr.x2]="w - pad.right"
          [attr.y1]="pad.top"
          [attr.y2]="pad.top"
        />
        <text class="tick" [attr.x]="pad.left - 6" [attr.y]="pad.top + 4" text-anchor="end">
          {{ ms(m.maxMs) }}
        </text>
        <text class="tick" [attr.x]="pad.left - 6" [attr.y]="baseY + 4" text-anchor="end">0</text>
        <path class="line" [attr.d]="m.line" />
        @for (p of m.points; track $index) {
          <circle
            [attr.cx]="p.x"
            [attr.cy]="p.y"
            [attr.r]="p.ok ? 2.5 : 3.5"
            [class]="p.ok ? 'pt' : 'pt-fail'"
          >
            <title>{{ p.title }}</title>
          </circle>
        }
        @for (b of m.band; track $index) {
          <rect
            [attr.x]="b.x"
            [attr.y]="bandY"
            [attr.width]="b.w"
            [attr.height]="band"
            [class]="b.cls"
          >
            <title>{{ b.title }}</title>
          </rect>
        }
        <text class="tick" [attr.x]="pad.left" [attr.y]="h - 8">{{ m.from }}</text>
        <text class="tick" [attr.x]="w - pad.right" [attr.y]="h - 8" text-anchor="end">
          {{ m.to }}
        </text>
      </svg>
      <p class="muted small">
        {{ m.checks }} checks, {{ m.failures }} failed. Line: response time; band: status after each
        check (red: failed).
      </p>
    } @else {
      <p class="muted">No health checks recorded yet.</p>
    }
  `,
})
export class HealthChart {
  readonly entries = input<readonly HealthLogEntry[]>([]);
  protected readonly model = computed(() => chartModel(this.entries()));
  protected readonly w = W;
  protected readonly h = H;
  protected readonly pad = PAD;
  protected readonly band = BAND;
  protected readonly baseY = H - PAD.bottom - BAND - 4;
  protected readonly bandY = H - PAD.bottom - BAND - 4 + 4;

  protected ms(value: number): string {
    return formatMs(value);
  }
}
