import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Clock } from '../core/clock.service';
import { formatDateTime, relativeTime } from './format';

/** "12 s ago" that keeps ticking; the absolute time is in the tooltip. */
@Component({
  selector: 'o2-relative-time',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<time [attr.datetime]="at()" [attr.title]="absolute()">{{ text() }}</time>`,
})
export class RelativeTime {
  private readonly clock = inject(Clock);
  readonly at = input<string | null | undefined>(null);
  protected readonly text = computed(() => relativeTime(this.at(), this.clock.now()));
  protected readonly absolute = computed(() => formatDateTime(this.at()));
}
