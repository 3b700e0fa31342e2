import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { HealthStatus } from '@omni2/contracts';
import { STATUS_LABEL } from '../core/notifier.service';

/** Health status as a badge: colour AND text, so it reads without colour vision. */
@Component({
  selector: 'o2-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
    class="badge"
    [class]="'badge status-' + status()"
    [attr.data-status]="status()"
    [attr.title]="title() || null"
    ><span class="dot" aria-hidden="true"></span>{{ label() }}</span
  >`,
})
export class StatusBadge {
  readonly status = input.required<HealthStatus>();
  readonly title = input<string>('');
  protected readonly label = computed(() => STATUS_LABEL[this.status()] ?? this.status());
}
