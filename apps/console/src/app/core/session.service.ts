import { Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { LoginResponse, PrincipalView, Role } from '@omni2/contracts';
import { roleAtLeast } from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';

/** Where the token is kept between page loads; a token so tests can swap it. */
export const TOKEN_STORAGE = new InjectionToken<Storage>('TOKEN_STORAGE', {
  providedIn: 'root',
  factory: () => localStorage,
});

const TOKEN_KEY = 'omni2.token';
const EXPIRES_KEY = 'omni2.token_expires_at';

/** Why the login page is shown: an error code from the gateway, or a plain sign-out. */
export type EndReason = 'SESSION_EXPIRED' | 'UNAUTHENTICATED' | 'signed_out';

/**
 * The signed-in principal and its bearer token. `open` is a gateway without authentication
 * (GET /auth/me answers ROUTE_NOT_FOUND): everyone acts as admin and the console says so.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly api = inject(Api);
  private readonly router = inject(Router);
  private readonly storage = inject(TOKEN_STORAGE);
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;

  readonly token = signal<string | null>(this.storage.getItem(TOKEN_KEY));
  readonly principal = signal<PrincipalView | null>(null);
  readonly open = signal(false);
  readonly endReason = signal<EndReason | null>(null);
  /** Set when the last attempt to restore the session failed for a reason other than 401. */
  readonly restoreError = signal<ApiError | null>(null);
  readonly role = computed<Role | null>(() => this.principal()?.role ?? null);
  readonly authenticated = computed(() => this.principal() !== null);

  /** Startup and login-page retry: who are we, if anyone? Never throws. */
  async restore(): Promise<boolean> {
    this.restoreError.set(null);
    try {
      const me = await this.api.get<PrincipalView>('/auth/me');
      this.open.set(false);
      this.principal.set(me);
      this.armExpiry(me.expires_at ?? this.storage.getItem(EXPIRES_KEY));
      return true;
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'ROUTE_NOT_FOUND') {
        this.open.set(true);
        this.principal.set({
          id: 'anonymous',
          name: 'anonymous',
          role: 'admin',
          kind: 'user',
          expires_at: null,
        });
        return true;
      }
      if (apiError.status === 401) {
        // A stored token the gateway no longer accepts: say why on the login page.
        if (this.token() !== null) {
          this.endReason.set(
            apiError.code === 'SESSION_EXPIRED' ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED',
          );
        }
        this.clear();
      } else {
        this.restoreError.set(apiError);
      }
      return false;
    }
  }

  /** Signs in; throws ApiError (401 UNAUTHENTICATED, 429 RATE_LIMITED, ...) for the form. */
  async login(username: string, password: string): Promise<void> {
    const answer = await this.api.post<LoginResponse>('/auth/login', { username, password });
    this.adopt(answer);
    this.endReason.set(null);
    const me = await this.api.get<PrincipalView>('/auth/me');
    this.principal.set(me);
    if (me.expires_at) this.armExpiry(me.expires_at);
  }

  /** A fresh token for the same principal (the answer to a password change). */
  adopt(answer: LoginResponse): void {
    const expiresAt = new Date(Date.now() + answer.expires_in * 1000).toISOString();
    this.storage.setItem(TOKEN_KEY, answer.access_token);
    this.storage.setItem(EXPIRES_KEY, expiresAt);
    this.token.set(answer.access_token);
    this.armExpiry(expiresAt);
  }

  /** Ends the session (expired token, server said 401, or the user signed out). */
  end(reason: EndReason): void {
    // A 401 in open mode means the gateway now requires sign-in.
    const wasSignedIn = this.open() || this.principal() !== null || this.token() !== null;
    this.open.set(false);
    this.clear();
    if (!wasSignedIn && reason !== 'signed_out') return;
    this.endReason.set(reason);
    const current = this.router.url;
    const returnUrl = current.startsWith('/login') ? undefined : current;
    void this.router.navigate(['/login'], { queryParams: returnUrl ? { returnUrl } : {} });
  }

  /** True when the principal has at least `role`. */
  hasRole(role: Role): boolean {
    const mine = this.role();
    return mine !== null && roleAtLeast(mine, role);
  }

  private clear(): void {
    this.storage.removeItem(TOKEN_KEY);
    this.storage.removeItem(EXPIRES_KEY);
    this.token.set(null);
    this.principal.set(null);
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private armExpiry(expiresAt: string | null): void {
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (!expiresAt) return;
    const ms = Date.parse(expiresAt) - Date.now();
    if (Number.isNaN(ms)) return;
    // setTimeout overflows past ~24.8 days; such a session is re-checked on the next load.
    if (ms > 2_000_000_000) return;
    this.expiryTimer = setTimeout(() => this.end('SESSION_EXPIRED'), Math.max(0, ms));
  }
}
