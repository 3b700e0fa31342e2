import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { Modal } from './modal';

let nextId = 0;

/**
 * "Are you sure?" with the consequence spelled out: an alert dialog that screen readers announce
 * with its message. Focus starts on Cancel (the modal's first button), never on the confirmation.
 */
@Component({
  selector: 'o2-confirm',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal],
  template: `
    <o2-modal
      [heading]="heading()"
      [alert]="true"
      [detached]="detached()"
      [describedBy]="messageId"
      (closed)="cancelled.emit()"
    >
      <p [id]="messageId">{{ message() }}</p>
      <div footer class="actions-row">
        <button type="button" class="btn" (click)="cancelled.emit()">Cancel</button>
        <button
          type="button"
          class="btn"
          [class.danger]="danger()"
          [class.primary]="!danger()"
          [disabled]="busy()"
          [attr.aria-busy]="busy() || null"
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
  /** See Modal.detached: for a confirmation declared inside a virtual-scroll row. */
  readonly detached = input(false);
  readonly confirmed = output<void>();
  readonly cancelled = output<void>();
  protected readonly messageId = `o2-confirm-message-${nextId++}`;
}
