import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { MaintenanceWindows } from '../core/alerts.data';
import { Notifier } from '../core/notifier.service';
import { Realtime } from '../core/realtime.service';
import { RuntimeConfig } from '../core/runtime-config.service';
import { ServersStore } from '../core/servers.store';
import { Session } from '../core/session.service';
import { ConnectionIndicator } from '../shared/connection-indicator';
import { ChangePasswordDialog } from './change-password-dialog';

/**
 * The signed-in frame: navigation, connection state, who you are. Starts the live feed. Its first
 * focusable element is "Skip to main content" (visible on focus), which moves focus to <main>.
 */
@Component({
  selector: 'o2-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, ConnectionIndicator, ChangePasswordDialog],
  template: `
    <a class="skip-link" href="#main" data-testid="skip-link" (click)="skipToMain($event)"
      >Skip to main content</a
    >
    <div class="layout">
      <nav class="sidebar" aria-label="Main">
        <a class="brand" routerLink="/">omni2</a>
        <a routerLink="/" routerLinkActive="active" [routerLinkActiveOptions]="{ exact: true }"
          >Dashboard</a
        >
        <a routerLink="/servers" routerLinkActive="active">MCP servers</a>
        <a routerLink="/alerts" routerLinkActive="active">Alerts</a>
        @if (isAdmin()) {
          <a routerLink="/iam" routerLinkActive="active">IAM</a>
          <a routerLink="/settings" routerLinkActive="active">Settings</a>
        }
        <span class="spacer"></span>
        <a class="muted small" href="/api/docs" target="_blank" rel="noopener">API docs ↗</a>
      </nav>
      <div class="main">
        <header class="topbar">
          @if (session.open()) {
            <span class="banner-inline warn" data-testid="open-mode"
              >This gateway has no authentication: everyone has full access</span
            >
          }
          <span class="spacer"></span>
          <o2-connection-indicator />
          @if (session.principal(); as me) {
            <span class="whoami" data-testid="whoami"
              >{{ me.name }} <span class="role">{{ me.role }}</span></span
            >
            @if (!session.open()) {
              @if (me.kind === 'user') {
                <button type="button" class="btn small" (click)="changingPassword.set(true)">
                  Password
                </button>
              }
              <button type="button" class="btn small" (click)="signOut()">Sign out</button>
            }
          }
        </header>
        <main class="content" id="main" tabindex="-1">
          <router-outlet />
        </main>
      </div>
    </div>
    @if (changingPassword()) {
      <o2-change-password (closed)="changingPassword.set(false)" />
    }
  `,
})
export class Shell {
  protected readonly session = inject(Session);
  private readonly document = inject(DOCUMENT);
  private readonly realtime = inject(Realtime);
  private readonly store = inject(ServersStore);
  private readonly maintenance = inject(MaintenanceWindows);
  protected readonly changingPassword = signal(false);
  protected readonly isAdmin = computed(() => this.session.hasRole('admin'));

  constructor() {
    inject(Notifier).start();
    this.realtime.start();
    void this.store.load();
    // Servers show a "maintenance" mark while a window covers them.
    this.maintenance.ensureLoaded();
    void inject(RuntimeConfig).load('circuit_breaker');
    inject(DestroyRef).onDestroy(() => {
      this.realtime.stop();
      this.store.reset();
      this.maintenance.reset();
    });
  }

  /** The skip link: focus (not just scroll to) the main region, without a router navigation. */
  protected skipToMain(event: Event): void {
    event.preventDefault();
    const main = this.document.getElementById('main');
    main?.focus();
  }

  protected signOut(): void {
    this.session.end('signed_out');
  }
}
