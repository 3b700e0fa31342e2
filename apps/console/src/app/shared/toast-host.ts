import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Toasts } from '../core/toasts.service';

@Component({
  selector: 'o2-toast-host',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <div class="toasts" role="status" aria-live="polite">
      @if (toasts.folded() > 0) {
        <div class="toast toast-info folded">+{{ toasts.folded() }} earlier notifications</div>
      }
      @for (toast of toasts.list(); track toast.id) {
        <div class="toast" [class]="'toast toast-' + toast.kind" data-testid="toast">
          <span class="toast-text">{{ toast.text }}</span>
          @if (toast.link) {
            <a [routerLink]="toast.link" (click)="toasts.dismiss(toast.id)">Open</a>
          }
          @if (toast.href) {
            <a
              [href]="toast.href"
              target="_blank"
              rel="noopener noreferrer"
              data-testid="toast-href"
              (click)="toasts.dismiss(toast.id)"
              >Open</a
            >
          }
          <button
            type="button"
            class="icon-btn"
            aria-label="Dismiss"
            (click)="toasts.dismiss(toast.id)"
          >
            ✕
          </button>
        </div>
      }
    </div>
  `,
})
export class ToastHost {
  protected readonly toasts = inject(Toasts);
}
