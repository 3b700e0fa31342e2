import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { Availability } from '../core/permissions';
import { Icon, type IconName } from './icon';

/**
 * An action with its availability: disabled with a tooltip saying why, or enabled with a tooltip
 * saying what it does. The tooltip sits on a wrapper because disabled buttons get no hover.
 */
@Component({
  selector: 'o2-action',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Icon],
  template: `<span class="action-wrap" [attr.title]="availability().reason"
    ><button
      type="button"
      [class]="buttonClass()"
      [disabled]="!availability().enabled || busy()"
      [attr.aria-label]="label()"
      [attr.data-action]="action()"
      [attr.aria-busy]="busy() || null"
      (click)="pressed.emit()"
    >
      @if (busy()) {
        <span class="spinner" aria-hidden="true"></span>
      } @else {
        <o2-icon [name]="icon()" />
      }
      @if (showLabel()) {
        <span>{{ label() }}</span>
      }
    </button></span
  >`,
})
export class ActionButton {
  readonly action = input.required<string>();
  readonly label = input.required<string>();
  readonly icon = input.required<IconName>();
  readonly availability = input.required<Availability>();
  readonly busy = input(false);
  readonly showLabel = input(false);
  readonly danger = input(false);
  readonly pressed = output<void>();
  protected readonly buttonClass = computed(
    () => `${this.showLabel() ? 'btn small' : 'icon-btn'}${this.danger() ? ' danger-text' : ''}`,
  );
}
