import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MaintenanceWindows } from '../core/alerts.data';
import { formatDateTime } from './format';

/**
 * "maintenance" beside a server while a maintenance window on now covers it; the tooltip names
 * the window(s) and when each ends. Nothing otherwise.
 */
@Component({
  selector: 'o2-maintenance-mark',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (title(); as t) {
      <span
        class="badge maintenance"
        data-testid="maintenance"
        role="img"
        [attr.title]="t"
        [attr.aria-label]="t"
        >maintenance</span
      >
    }
  `,
  styles: [
    `
      .maintenance {
        color: var(--off);
        background: var(--off-bg);
        border: 1px dashed currentColor;
      }
    `,
  ],
})
export class MaintenanceMark {
  private readonly windows = inject(MaintenanceWindows);
  readonly server = input.required<{ id: string; name: string }>();

  protected readonly title = computed(() => {
    const active = this.windows.activeFor(this.server());
    if (active.length === 0) return null;
    const list = active.map((w) => `${w.name} until ${formatDateTime(w.ends_at)}`).join('; ');
    return `In maintenance (alerts held, no auto-disable): ${list}`;
  });
}
