import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { Session } from '../core/session.service';

@Component({
  selector: 'o2-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main class="login-wrap">
      <form class="login card" (submit)="$event.preventDefault(); submit()" aria-label="Sign in">
        <h1>omni2</h1>
        <p class="muted">Sign in to the MCP control plane</p>
        @if (notice(); as n) {
          <p class="banner warn" data-testid="login-notice">{{ n }}</p>
        }
        <label class="field">
          <span>Username</span>
          <input
            name="username"
            autocomplete="username"
            required
            [value]="username()"
            (input)="username.set(value($event))"
          />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            [value]="password()"
            (input)="password.set(value($event))"
          />
        </label>
        @if (error(); as e) {
          <p class="form-error" role="alert" data-testid="login-error">{{ explain(e) }}</p>
        }
        <span class="action-wrap block" [attr.title]="submitHint()">
          <button
            type="submit"
            class="btn primary block"
            [disabled]="busy() || !canSubmit()"
            [attr.aria-describedby]="submitHint() ? 'login-submit-hint' : null"
          >
            {{ busy() ? 'Signing in…' : 'Sign in' }}
          </button>
        </span>
        @if (submitHint(); as hint) {
          <span id="login-submit-hint" class="sr-only">{{ hint }}</span>
        }
      </form>
    </main>
  `,
})
export class LoginPage {
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  /** Query parameter: where to go after signing in. */
  readonly returnUrl = input<string | undefined>();

  protected readonly username = signal('');
  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly canSubmit = computed(() => this.username() !== '' && this.password() !== '');
  /** Why Sign in is disabled (tooltip and screen-reader description); null while enabled. */
  protected readonly submitHint = computed(() => {
    if (this.busy()) return 'Signing in…';
    if (this.canSubmit()) return null;
    return this.username() === ''
      ? 'Enter your username and password to sign in'
      : 'Enter your password to sign in';
  });
  protected readonly notice = computed(() => {
    if (this.error()) return null;
    const restore = this.session.restoreError();
    if (restore) return `${describeError(restore)}. You can still try to sign in.`;
    switch (this.session.endReason()) {
      case 'SESSION_EXPIRED':
        return 'Your session expired: sign in again.';
      case 'UNAUTHENTICATED':
        return 'You were signed out (the gateway no longer accepts your credentials).';
      case 'signed_out':
        return 'You signed out.';
      case null:
        return null;
    }
  });

  constructor() {
    // Already signed in (a bookmark, the back button): straight to the console.
    if (this.session.authenticated()) void this.router.navigateByUrl('/');
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected explain(error: ApiError): string {
    if (error.code === 'UNAUTHENTICATED') return 'Wrong username or password.';
    if (error.code === 'RATE_LIMITED') {
      return `Too many attempts: try again in ${error.retryAfterSeconds ?? 60} s.`;
    }
    if (error.code === 'ROUTE_NOT_FOUND') return 'This gateway has no sign-in: reload the page.';
    return describeError(error);
  }

  protected async submit(): Promise<void> {
    if (!this.canSubmit()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.session.login(this.username(), this.password());
      const target = this.returnUrl();
      await this.router.navigateByUrl(target && target.startsWith('/') ? target : '/');
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.busy.set(false);
    }
  }
}
