import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  inject,
  input,
  output,
} from '@angular/core';

/**
 * A modal panel over a backdrop. The page owns whether it is open, so background refreshes of
 * the page's data never close it. Escape or the backdrop closes it via `closed`.
 */
@Component({
  selector: 'o2-modal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'closed.emit()' },
  template: `
    <div class="backdrop" (click)="closed.emit()"></div>
    <section
      class="modal"
      [class.wide]="wide()"
      role="dialog"
      aria-modal="true"
      [attr.aria-label]="heading()"
    >
      <header class="modal-head">
        <h2>{{ heading() }}</h2>
        <button type="button" class="icon-btn" aria-label="Close" (click)="closed.emit()">✕</button>
      </header>
      <div class="modal-body"><ng-content /></div>
      <footer class="modal-foot"><ng-content select="[footer]" /></footer>
    </section>
  `,
})
export class Modal {
  readonly heading = input.required<string>();
  readonly wide = input(false);
  readonly closed = output<void>();

  constructor() {
    const host = inject<ElementRef<HTMLElement>>(ElementRef);
    afterNextRender(() => {
      host.nativeElement.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
    });
  }
}
