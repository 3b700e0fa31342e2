import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import {
  DELIVERY_STATUSES,
  type AlertChannelView,
  type AlertRuleView,
  type ChannelTestResult,
  type DeliveryStatus,
  type DeliveryView,
  type MaintenanceWindowView,
  type ServerScope,
} from '@omni2/contracts';
import {
  AlertChannels,
  AlertRules,
  Deliveries,
  MaintenanceWindows,
  isOnNow,
} from '../core/alerts.data';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { Clock } from '../core/clock.service';
import { alertAvailability } from '../core/permissions';
import { ServersStore } from '../core/servers.store';
import { Session } from '../core/session.service';
import { Toasts } from '../core/toasts.service';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { RelativeTime } from '../shared/relative-time';
import {
  EVENT_LABEL,
  KIND_LABEL,
  STATUS_LABEL,
  ruleConditions,
  scopeText,
  targetSummary,
  windowWhen,
} from './alert-forms';
import { ChannelDialog } from './channel-dialog';
import { RuleDialog } from './rule-dialog';
import { WindowDialog } from './window-dialog';

export type AlertsTab = 'channels' | 'rules' | 'windows' | 'deliveries';

interface Pending {
  kind: 'channel' | 'rule' | 'window';
  id: string;
  name: string;
}

/** The answer of a "Send test", or why it could not be sent. */
export type TestOutcome =
  { sent: true; result: ChannelTestResult } | { sent: false; error: string };

/** How much of a receiver's answer a table cell shows. */
const EXCERPT = 120;

@Component({
  selector: 'o2-alerts-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RelativeTime, ConfirmDialog, ChannelDialog, RuleDialog, WindowDialog],
  templateUrl: './alerts.page.html',
  styles: [
    `
      .test-result {
        display: block;
        font-size: 12px;
        margin-top: 4px;
        overflow-wrap: anywhere;
      }
      .test-result.ok {
        color: var(--ok);
      }
      .test-result.bad {
        color: var(--bad);
      }
      .badge.delivery-sent,
      .badge.on-now {
        color: var(--ok);
        background: var(--ok-bg);
      }
      .badge.delivery-failed {
        color: var(--bad);
        background: var(--bad-bg);
      }
      .badge.delivery-pending {
        color: var(--warn);
        background: var(--warn-bg);
      }
      .badge.delivery-held {
        color: var(--off);
        background: var(--off-bg);
      }
      .excerpt {
        max-width: 28em;
        overflow-wrap: anywhere;
      }
    `,
  ],
})
export class AlertsPage {
  protected readonly channels = inject(AlertChannels);
  protected readonly rules = inject(AlertRules);
  protected readonly windows = inject(MaintenanceWindows);
  protected readonly deliveries = inject(Deliveries);
  private readonly servers = inject(ServersStore);
  private readonly session = inject(Session);
  private readonly toasts = inject(Toasts);
  private readonly clock = inject(Clock);

  protected readonly kindLabel = KIND_LABEL;
  protected readonly eventLabel = EVENT_LABEL;
  protected readonly statusLabel = STATUS_LABEL;
  protected readonly statuses = DELIVERY_STATUSES;
  protected readonly tab = signal<AlertsTab>('channels');

  protected readonly manageChannels = computed(() =>
    alertAvailability('manage_channels', this.session.role()),
  );
  protected readonly manageRules = computed(() =>
    alertAvailability('manage_rules', this.session.role()),
  );
  protected readonly manageWindows = computed(() =>
    alertAvailability('manage_windows', this.session.role()),
  );

  /** Which dialog is open: null none, 'new' adds, a view edits. */
  protected readonly channelDialog = signal<AlertChannelView | 'new' | null>(null);
  protected readonly ruleDialog = signal<AlertRuleView | 'new' | null>(null);
  protected readonly windowDialog = signal<MaintenanceWindowView | 'new' | null>(null);
  protected readonly pending = signal<Pending | null>(null);
  protected readonly busy = signal(false);
  protected readonly testing = signal<ReadonlySet<string>>(new Set());
  protected readonly tests = signal<ReadonlyMap<string, TestOutcome>>(new Map());

  constructor() {
    // Fresh on every visit; the event stream keeps them so while the page is open.
    void this.channels.load();
    void this.rules.load();
    this.windows.ensureLoaded();
  }

  protected show(tab: AlertsTab): void {
    this.tab.set(tab);
    if (tab === 'deliveries' && !this.deliveries.loaded()) void this.deliveries.load();
  }

  protected explain(error: ApiError | null): string {
    return error ? describeError(error) : '';
  }

  protected when(iso: string | null): string {
    return formatDateTime(iso);
  }

  protected target(c: AlertChannelView): string {
    return targetSummary(c);
  }

  protected scope(s: ServerScope): string {
    return scopeText(s, (id) => this.servers.byIdOrName(id)?.name);
  }

  protected conditions(r: AlertRuleView): string {
    return ruleConditions(r);
  }

  protected channelNames(r: AlertRuleView): string {
    const names = r.channel_ids.map((id) => this.channels.byId(id)?.name ?? '(deleted)');
    return names.length > 0 ? names.join(', ') : 'none: sends nowhere';
  }

  protected windowWhen(w: MaintenanceWindowView): string {
    return windowWhen(w);
  }

  protected onNow(w: MaintenanceWindowView): boolean {
    return isOnNow(w, this.clock.now());
  }

  /** The next occurrence, when the one on now (or none) is not it. */
  protected nextStart(w: MaintenanceWindowView): string | null {
    const o = w.current_or_next;
    if (!o || this.onNow(w)) return null;
    return o.starts_at;
  }

  protected excerpt(d: DeliveryView): string {
    const text = d.last_error ?? d.response ?? '';
    return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
  }

  protected testText(outcome: TestOutcome): string {
    if (!outcome.sent) return `Not sent: ${outcome.error}`;
    const r = outcome.result;
    const parts = [r.ok ? 'ok' : 'failed'];
    if (r.status_code !== null) parts.push(`HTTP ${r.status_code}`);
    if (r.error) parts.push(r.error);
    const response = r.response.trim();
    if (response) {
      parts.push(response.length > EXCERPT ? `${response.slice(0, EXCERPT)}…` : response);
    }
    return parts.join(' · ');
  }

  protected testOk(outcome: TestOutcome): boolean {
    return outcome.sent && outcome.result.ok;
  }

  protected async sendTest(c: AlertChannelView): Promise<void> {
    if (this.testing().has(c.id)) return;
    this.testing.update((s) => new Set(s).add(c.id));
    let outcome: TestOutcome;
    try {
      outcome = { sent: true, result: await this.channels.test(c.id) };
    } catch (error) {
      outcome = { sent: false, error: describeError(toApiError(error)) };
    }
    this.tests.update((m) => new Map(m).set(c.id, outcome));
    this.testing.update((s) => {
      const next = new Set(s);
      next.delete(c.id);
      return next;
    });
    // The test is in the log too: a log already shown is read again.
    if (this.deliveries.loaded()) void this.deliveries.load();
  }

  protected async setChannelEnabled(c: AlertChannelView, enabled: boolean): Promise<void> {
    try {
      await this.channels.update(c.id, { enabled });
      this.toasts.show('success', `${c.name} ${enabled ? 'enabled' : 'disabled'}`);
    } catch (error) {
      this.toasts.show('error', `Could not update ${c.name}: ${describeError(toApiError(error))}`);
      await this.channels.load();
    }
  }

  protected async setRuleEnabled(r: AlertRuleView, enabled: boolean): Promise<void> {
    try {
      await this.rules.update(r.id, { enabled });
      this.toasts.show('success', `${r.name} ${enabled ? 'enabled' : 'disabled'}`);
    } catch (error) {
      this.toasts.show('error', `Could not update ${r.name}: ${describeError(toApiError(error))}`);
      await this.rules.load();
    }
  }

  protected saved(what: string, name: string, dialog: { set(v: null): void }): void {
    dialog.set(null);
    this.toasts.show('success', `${what} ${name} saved`);
  }

  protected channelFilter(event: Event): void {
    void this.deliveries.setFilters({ channel_id: (event.target as HTMLSelectElement).value });
  }

  protected statusFilter(event: Event): void {
    const value = (event.target as HTMLSelectElement).value as DeliveryStatus | '';
    void this.deliveries.setFilters({ status: value });
  }

  protected async confirmPending(): Promise<void> {
    const p = this.pending();
    if (!p) return;
    this.busy.set(true);
    try {
      if (p.kind === 'channel') await this.channels.remove(p.id);
      else if (p.kind === 'rule') await this.rules.remove(p.id);
      else await this.windows.remove(p.id);
      this.toasts.show('success', `${p.name} deleted`);
      this.pending.set(null);
    } catch (error) {
      this.toasts.show('error', describeError(toApiError(error)));
    } finally {
      this.busy.set(false);
    }
  }

  protected confirmMessage(p: Pending): string {
    switch (p.kind) {
      case 'channel':
        return `Delete the channel ${p.name}? Rules stop sending to it.`;
      case 'rule':
        return `Delete the rule ${p.name}? Its alerts stop.`;
      case 'window':
        return `Delete the maintenance window ${p.name}? Its servers alert and auto-disable as usual again.`;
    }
  }
}
