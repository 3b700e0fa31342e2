import { Injectable, inject, signal } from '@angular/core';
import {
  ERROR_KIND_TEXT,
  type BulkHealthCheckResult,
  type HealthCheckResult,
  type McpServerView,
} from '@omni2/contracts';
import { formatMs } from '../shared/format';
import { Api } from './api';
import { type ApiError, describeError, toApiError } from './api-error';
import type { ServerAction } from './permissions';
import { ServersStore } from './servers.store';
import { Toasts } from './toasts.service';

/** The inline result of the last action on a row ("healthy · 4 ms", "failed: timeout"). */
export interface ActionFlash {
  ok: boolean;
  text: string;
}

/** What saving the add/edit dialog came to: the stored server, or the gateway's refusal. */
export type SaveOutcome = { ok: true; view: McpServerView } | { ok: false; error: ApiError };

const FLASH_MS = 8000;

/**
 * Runs operator actions for the list and the detail page alike: busy state per server, the
 * fresh status written into the store from each answer, failures as toasts.
 */
@Injectable({ providedIn: 'root' })
export class ServerActions {
  private readonly api = inject(Api);
  private readonly store = inject(ServersStore);
  private readonly toasts = inject(Toasts);
  private readonly busyMap = signal<ReadonlyMap<string, ServerAction | 'check_all'>>(new Map());
  private readonly flashMap = signal<ReadonlyMap<string, ActionFlash>>(new Map());
  readonly busy = this.busyMap.asReadonly();
  readonly flashes = this.flashMap.asReadonly();
  readonly checkingAll = signal(false);

  busyWith(id: string): ServerAction | 'check_all' | null {
    return this.busyMap().get(id) ?? null;
  }

  flash(id: string): ActionFlash | null {
    return this.flashMap().get(id) ?? null;
  }

  /** Check now (or reload): spinner, then the fresh status from the answer. */
  async check(server: McpServerView, reload = false): Promise<HealthCheckResult | null> {
    return this.run(server, reload ? 'reload' : 'check', async () => {
      const result = await this.api.post<HealthCheckResult>(
        `/mcp/servers/${server.id}/${reload ? 'reload' : 'health-check'}`,
      );
      this.store.applyCheck(result);
      this.setFlash(
        server.id,
        result.ok
          ? { ok: true, text: `ok · ${formatMs(result.response_time_ms)}` }
          : { ok: false, text: `failed: ${result.error_kind ?? 'error'}` },
      );
      return result;
    });
  }

  setEnabled(server: McpServerView, enabled: boolean): Promise<McpServerView | null> {
    return this.run(server, enabled ? 'enable' : 'disable', async () => {
      const view = await this.api.post<McpServerView>(
        `/mcp/servers/${server.id}/${enabled ? 'enable' : 'disable'}`,
      );
      this.store.upsert(view);
      this.toasts.show('info', `${server.name} ${enabled ? 'enabled' : 'disabled'}`);
      return view;
    });
  }

  resetCircuit(server: McpServerView): Promise<McpServerView | null> {
    return this.run(server, 'reset', async () => {
      const view = await this.api.post<McpServerView>(`/mcp/servers/${server.id}/circuit/reset`);
      this.store.upsert(view);
      this.toasts.show('info', `${server.name}: circuit reset, checking now`);
      return view;
    });
  }

  async remove(server: McpServerView): Promise<boolean> {
    const done = await this.run(server, 'delete', async () => {
      await this.api.delete(`/mcp/servers/${server.id}`);
      this.store.remove(server.id);
      this.toasts.show('info', `${server.name} deleted`);
      return true;
    });
    return done === true;
  }

  /**
   * Adds a server (`original` null, `body` a full create body) or applies an edit (`body` only
   * what changed; empty: nothing is sent). A refusal is returned, not toasted, so the dialog can
   * show the 400's messages under the fields they name. A new active server gets its first check
   * at once rather than at the coordinator's next turn, with a toast saying how it went.
   */
  async save(original: McpServerView | null, body: Record<string, unknown>): Promise<SaveOutcome> {
    let view: McpServerView;
    try {
      if (original) {
        view =
          Object.keys(body).length === 0
            ? original
            : await this.api.patch<McpServerView>(`/mcp/servers/${original.id}`, body);
      } else {
        view = await this.api.post<McpServerView>('/mcp/servers', body);
      }
    } catch (error) {
      return { ok: false, error: toApiError(error) };
    }
    this.store.upsert(view);
    const checkNow = !original && view.status === 'active';
    this.toasts.show(
      checkNow ? 'info' : 'success',
      original
        ? `${view.name} saved`
        : checkNow
          ? `${view.name} added; running its first check…`
          : `${view.name} added (disabled)`,
    );
    if (checkNow) void this.firstCheck(view);
    return { ok: true, view };
  }

  private async firstCheck(view: McpServerView): Promise<void> {
    const result = await this.check(view);
    // null: the check request itself failed, and check() has said so in a toast.
    if (result) this.toasts.show(result.ok ? 'success' : 'error', firstCheckText(view, result));
  }

  async checkAll(): Promise<BulkHealthCheckResult | null> {
    this.checkingAll.set(true);
    try {
      const result = await this.api.post<BulkHealthCheckResult>('/mcp/servers/health-check');
      this.store.applyBulk(result);
      const skipped = result.skipped_circuit_open;
      this.toasts.show(
        result.failed > 0 ? 'warning' : 'success',
        `Checked ${result.checked}: ${result.healthy} ok, ${result.failed} failed` +
          (skipped > 0 ? `; ${skipped} with an open circuit wait for their next attempt` : ''),
      );
      return result;
    } catch (error) {
      this.toasts.show('error', `Refresh all failed: ${describeError(toApiError(error))}`);
      return null;
    } finally {
      this.checkingAll.set(false);
    }
  }

  private async run<T>(
    server: McpServerView,
    action: ServerAction,
    work: () => Promise<T>,
  ): Promise<T | null> {
    if (this.busyMap().has(server.id)) return null;
    this.busyMap.update((m) => new Map(m).set(server.id, action));
    try {
      return await work();
    } catch (error) {
      const apiError = toApiError(error);
      if (action === 'check' || action === 'reload') {
        this.setFlash(server.id, { ok: false, text: describeError(apiError) });
      }
      this.toasts.show('error', `${server.name}: ${action} failed: ${describeError(apiError)}`);
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

  private setFlash(id: string, flash: ActionFlash): void {
    this.flashMap.update((m) => new Map(m).set(id, flash));
    setTimeout(() => {
      if (this.flashMap().get(id) === flash) {
        this.flashMap.update((m) => {
          const next = new Map(m);
          next.delete(id);
          return next;
        });
      }
    }, FLASH_MS);
  }
}

/** The toast after a new server's first check: healthy, or which layer failed and why. */
export function firstCheckText(view: McpServerView, result: HealthCheckResult): string {
  if (result.ok) {
    const ms =
      result.response_time_ms === null ? '' : ` in ${Math.round(result.response_time_ms)} ms`;
    return `${view.name}: first check healthy (answered${ms})`;
  }
  const kind = result.error_kind;
  const why = kind ? `${kind} (${ERROR_KIND_TEXT[kind]})` : 'error';
  return `${view.name}: first check failed: ${why}${result.error ? ` — ${result.error}` : ''}`;
}
