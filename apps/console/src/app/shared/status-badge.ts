import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import {
  HEALTH_STATUS_LABEL,
  HEALTH_STATUS_MEANING,
  suspicionText,
  suspicionTitle,
  type HealthStatus,
  type Suspicion,
} from '@omni2/contracts';

/**
 * Health status as a badge: colour AND text, so it reads without colour vision. A server whose
 * recent checks failed below the threshold keeps its status (no blinking) and carries an amber
 * "failing k/threshold" mark beside it. A server waiting for an operator's OAuth authorization
 * has its own colour and a key instead of the dot: it is not down.
 */
@Component({
  selector: 'o2-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
      class="badge"
      [class]="'badge status-' + status()"
      [attr.data-status]="status()"
      [attr.title]="tooltip()"
    >
      @if (status() === 'auth_required') {
        <span class="icon icon-key" aria-hidden="true"></span>
      } @else {
        <span class="dot" aria-hidden="true"></span>
      }
      {{ label() }}</span
    >
    @if (suspicion(); as s) {
      <span class="badge suspect" data-testid="suspect" [attr.title]="suspicionTitle(s)">{{
        suspicionText(s)
      }}</span>
    }`,
})
export class StatusBadge {
  readonly status = input.required<HealthStatus>();
  readonly title = input<string>('');
  readonly suspicion = input<Suspicion | null>(null);
  protected readonly label = computed(() => HEALTH_STATUS_LABEL[this.status()] ?? this.status());
  protected readonly tooltip = computed(
    () => this.title() || HEALTH_STATUS_MEANING[this.status()] || null,
  );
  protected readonly suspicionText = suspicionText;
  protected readonly suspicionTitle = suspicionTitle;
}
