import { CdkTrapFocus, FocusMonitor, InteractivityChecker } from '@angular/cdk/a11y';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  ElementRef,
  afterNextRender,
  inject,
  input,
  output,
  viewChild,
} from '@angular/core';

/** Open modals, innermost last: Escape closes only the innermost one. */
const openModals: Modal[] = [];
let nextId = 0;

/**
 * A modal panel over a backdrop. The page owns whether it is open, so background refreshes of
 * the page's data never close it. Escape (innermost modal only), the ✕ or the backdrop closes it
 * via `closed`.
 *
 * Keyboard and screen readers: Tab and Shift+Tab stay inside the panel (the CDK focus trap);
 * focus starts on the first field, or on the first button when there is no field (Cancel in a
 * confirmation), never on the ✕; closing gives focus back to the element that opened it, or to
 * the main region when that element is gone (a deleted row).
 */
@Component({
  selector: 'o2-modal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CdkTrapFocus],
  host: { '(document:keydown.escape)': 'escape($event)' },
  template: `
    <div class="backdrop" (click)="closed.emit()"></div>
    <section
      #panel
      class="modal"
      cdkTrapFocus
      [class.wide]="wide()"
      [attr.role]="alert() ? 'alertdialog' : 'dialog'"
      aria-modal="true"
      [attr.aria-labelledby]="headingId"
      [attr.aria-describedby]="describedBy()"
    >
      <!-- divs, not header/footer: outside <main> those would be page-level landmarks. -->
      <div class="modal-head">
        <h2 [id]="headingId">{{ heading() }}</h2>
        <button type="button" class="icon-btn" aria-label="Close" (click)="closed.emit()">✕</button>
      </div>
      <div class="modal-body"><ng-content /></div>
      <div class="modal-foot"><ng-content select="[footer]" /></div>
    </section>
  `,
})
export class Modal {
  readonly heading = input.required<string>();
  readonly wide = input(false);
  /** An alert dialog (role `alertdialog`): a confirmation that interrupts the user. */
  readonly alert = input(false);
  /**
   * Moves the modal to the end of <body> while it is open. For modals declared inside a container
   * that traps fixed positioning (a virtual-scroll row: transform, CSS containment), where the
   * panel would otherwise be clipped to the row.
   */
  readonly detached = input(false);
  /** Id of the element that says what the dialog is about (read after the heading). */
  readonly describedBy = input<string | null>(null);
  readonly closed = output<void>();
  protected readonly headingId = `o2-modal-heading-${nextId++}`;
  private readonly panel = viewChild.required<ElementRef<HTMLElement>>('panel');
  private readonly checker = inject(InteractivityChecker);

  constructor() {
    const document = inject(DOCUMENT);
    const focusMonitor = inject(FocusMonitor);
    // Created by the click or key press that opened it: that element still has focus.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    openModals.push(this);
    afterNextRender(() => {
      if (this.detached()) document.body.appendChild(host);
      this.initialFocus()?.focus();
    });
    inject(DestroyRef).onDestroy(() => {
      openModals.splice(openModals.indexOf(this), 1);
      // Angular removes the element it inserted; a moved one is ours to remove.
      if (this.detached()) host.remove();
      const back =
        opener && opener !== document.body && opener.isConnected
          ? opener
          : document.querySelector<HTMLElement>('main[tabindex]');
      if (back) focusMonitor.focusVia(back, 'program');
    });
  }

  /** The first field; else the first button of the body or footer; else anything tabbable. */
  private initialFocus(): HTMLElement | null {
    const panel = this.panel().nativeElement;
    const first = (selector: string) =>
      [...panel.querySelectorAll<HTMLElement>(selector)].find(
        (el) => this.checker.isFocusable(el) && this.checker.isTabbable(el),
      ) ?? null;
    return (
      first('[cdkFocusInitial]') ??
      first('.modal-body :is(input, select, textarea)') ??
      first(':is(.modal-body, .modal-foot) button') ??
      first('a[href], button, input, select, textarea, [tabindex]')
    );
  }

  protected escape(event: Event): void {
    if (event.defaultPrevented || openModals.at(-1) !== this) return;
    event.preventDefault();
    this.closed.emit();
  }
}
