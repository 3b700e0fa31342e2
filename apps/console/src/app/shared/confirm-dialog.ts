import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { Modal } from './modal';

/** "Are you sure?" with the consequence spelled out. */
@Component({
  selector: 'o2-confirm',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal],
  template: `
    <o2-modal [heading]="heading()" (closed)="cancelled.emit()">
      <p>{{ message() }}</p>
      <div footer class="actions-row">
        <button type="button" class="btn" (click)="cancelled.emit()">Cancel</button>
        <button
          type="button"
          class="btn"
          [class.danger]="danger()"
          [class.primary]="!danger()"
          [disabled]="busy()"
          (click)="confirmed.emit()"
        >
          {{ busy() ? 'Working…' : confirmLabel() }}
        </button>
      </div>
    </o2-modal>
  `,
})
export class ConfirmDialog {
  readonly heading = input.required<string>();
  readonly message = input.required<string>();
  readonly confirmLabel = input('Confirm');
  readonly danger = input(false);
  readonly busy = input(false);
  readonly confirmed = output<void>();
  readonly cancelled = output<void>();
}
