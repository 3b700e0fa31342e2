import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import type { HealthStatus, McpServerView, OAuthAuthorizationStart } from '@omni2/contracts';
import { formatClockTime } from '../shared/format';
import { Api } from './api';
import { describeError, toApiError } from './api-error';
import { Clock } from './clock.service';
import { ServersStore } from './servers.store';
import { Toasts } from './toasts.service';

export type OAuthAction = 'authorize' | 'forget_tokens';

/** An authorization an operator started from this console and has not finished yet. */
interface Pending {
  /** The server's status when it started: a change means the gateway has checked it since. */
  status: HealthStatus;
  expiresAt: number;
}

/** When the gateway's `expires_at` cannot be read, waiting ends after this long. */
const FALLBACK_LIFETIME_MS = 10 * 60_000;

/**
 * Operator authorization of OAuth servers with the authorization code grant (SPEC §11): starts
 * an authorization and opens the authorization server's page in a new tab, then says "waiting"
 * until the server's status changes (the gateway checks it after the callback and the change
 * arrives over the realtime events) or the authorization expires. Admins can also make a server
 * forget its tokens. Failures are toasts carrying the gateway's message.
 */
@Injectable({ providedIn: 'root' })
export class OAuthActions {
  private readonly api = inject(Api);
  private readonly store = inject(ServersStore);
  private readonly toasts = inject(Toasts);
  private readonly clock = inject(Clock);
  private readonly busyMap = signal<ReadonlyMap<string, OAuthAction>>(new Map());
  private readonly pendingMap = signal<ReadonlyMap<string, Pending>>(new Map());

  constructor() {
    // Forget what is over, so a later return to the same status does not read as waiting again.
    effect(() => {
      const pending = this.pendingMap();
      const over = [...pending.keys()].filter((id) => this.waitingUntil(id) === null);
      if (over.length > 0) {
        untracked(() =>
          this.pendingMap.update((m) => {
            const next = new Map(m);
            for (const id of over) next.delete(id);
            return next;
          }),
        );
      }
    });
  }

  busyWith(id: string): OAuthAction | null {
    return this.busyMap().get(id) ?? null;
  }

  /** "Waiting for authorization (expires 14:05)" while an authorization is pending, else null. */
  waiting(id: string): string | null {
    const until = this.waitingUntil(id);
    return until === null ? null : `Waiting for authorization (expires ${formatClockTime(until)})`;
  }

  /**
   * Starts an authorization and opens its page in a new tab; a blocked tab leaves a toast with
   * the link. Resolves to what the gateway answered, or null when it refused (toasted).
   */
  async authorize(server: McpServerView): Promise<OAuthAuthorizationStart | null> {
    return this.run(server, 'authorize', async () => {
      const start = await this.api.post<OAuthAuthorizationStart>(
        `/mcp/servers/${server.id}/oauth/authorize`,
      );
      const expiresAt = Date.parse(start.expires_at);
      const status = this.store.byIdOrName(server.id)?.health_status ?? server.health_status;
      this.pendingMap.update((m) =>
        new Map(m).set(server.id, {
          status,
          expiresAt: Number.isNaN(expiresAt) ? Date.now() + FALLBACK_LIFETIME_MS : expiresAt,
        }),
      );
      const tab = window.open(start.authorization_url, '_blank');
      if (tab) {
        // The authorization server's page has no business with the console's window.
        tab.opener = null;
      } else {
        this.toasts.show(
          'warning',
          `${server.name}: the browser blocked the new tab; open the authorization page from here`,
          null,
          start.authorization_url,
        );
      }
      return start;
    });
  }

  /** Forgets the server's OAuth tokens; it turns "authorization needed" after its next check. */
  async forgetTokens(server: McpServerView): Promise<boolean> {
    const done = await this.run(server, 'forget_tokens', async () => {
      await this.api.delete(`/mcp/servers/${server.id}/oauth/tokens`);
      this.pendingMap.update((m) => {
        const next = new Map(m);
        next.delete(server.id);
        return next;
      });
      this.toasts.show(
        'info',
        `${server.name}: OAuth tokens forgotten; it needs authorizing after its next check`,
      );
      return true;
    });
    return done === true;
  }

  private waitingUntil(id: string): number | null {
    const pending = this.pendingMap().get(id);
    if (!pending) return null;
    const server = this.store.byIdOrName(id);
    if (!server || server.health_status !== pending.status) return null;
    return this.clock.now() < pending.expiresAt ? pending.expiresAt : null;
  }

  private async run<T>(
    server: McpServerView,
    action: OAuthAction,
    work: () => Promise<T>,
  ): Promise<T | null> {
    if (this.busyMap().has(server.id)) return null;
    this.busyMap.update((m) => new Map(m).set(server.id, action));
    try {
      return await work();
    } catch (error) {
      const apiError = toApiError(error);
      const what = action === 'authorize' ? 'authorize' : 'forget OAuth tokens';
      this.toasts.show('error', `${server.name}: ${what} failed: ${describeError(apiError)}`);
      if (apiError.code === 'SERVER_NOT_FOUND') this.store.remove(server.id);
      return null;
    } finally {
      this.busyMap.update((m) => {
        const next = new Map(m);
        next.delete(server.id);
        return next;
      });
    }
  }
}
