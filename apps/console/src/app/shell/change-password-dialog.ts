import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import {
  PASSWORD_MIN_LENGTH,
  type ChangePasswordRequest,
  type LoginResponse,
} from '@omni2/contracts';
import { Api } from '../core/api';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { Session } from '../core/session.service';
import { Toasts } from '../core/toasts.service';
import { Modal } from '../shared/modal';

@Component({
  selector: 'o2-change-password',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal],
  template: `
    <o2-modal heading="Change password" (closed)="closed.emit()">
      <form class="form" (submit)="$event.preventDefault(); save()">
        <label class="field">
          <span>Current password</span>
          <input
            type="password"
            autocomplete="current-password"
            [value]="current()"
            (input)="current.set(value($event))"
          />
          @if (error()?.fieldError('current_password'); as msg) {
            <span class="field-error">{{ msg }}</span>
          }
        </label>
        <label class="field">
          <span>New password (at least {{ minLength }} characters)</span>
          <input
            type="password"
            autocomplete="new-password"
            [value]="next()"
            (input)="next.set(value($event))"
          />
          @if (error()?.fieldError('new_password'); as msg) {
            <span class="field-error">{{ msg }}</span>
          }
        </label>
        @if (error(); as e) {
          @if (e.fieldErrors.length === 0) {
            <p class="form-error">{{ explain(e) }}</p>
          }
        }
        <div class="actions-row">
          <button type="button" class="btn" (click)="closed.emit()">Cancel</button>
          <button
            type="submit"
            class="btn primary"
            [disabled]="busy()"
            [attr.aria-busy]="busy() || null"
          >
            {{ busy() ? 'Changing…' : 'Change password' }}
          </button>
        </div>
      </form>
    </o2-modal>
  `,
})
export class ChangePasswordDialog {
  private readonly api = inject(Api);
  private readonly toasts = inject(Toasts);
  private readonly session = inject(Session);
  readonly closed = output<void>();
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly current = signal('');
  protected readonly next = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<ApiError | null>(null);

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected explain(error: ApiError): string {
    return error.code === 'UNAUTHENTICATED'
      ? 'The current password is wrong'
      : describeError(error);
  }

  protected async save(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      const body: ChangePasswordRequest = {
        current_password: this.current(),
        new_password: this.next(),
      };
      // Other sessions end; this one continues on the new token the gateway returns.
      this.session.adopt(await this.api.post<LoginResponse>('/auth/password', body));
      this.toasts.show('success', 'Password changed: your other sessions were signed out');
      this.closed.emit();
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
