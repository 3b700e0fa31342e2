import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import {
  CIRCUIT_STATE_LABEL,
  UPTIME_WINDOWS,
  downtimeSecondsOf,
  failuresTowardThreshold,
  lastCheckOf,
  type HealthLogEntry,
  type McpServerView,
  type OAuthGrant,
  type UptimeWindow,
} from '@omni2/contracts';
import { describeError, toApiError, type ApiError } from '../core/api-error';
import { CapabilitiesService } from '../core/capabilities.service';
import { Clock } from '../core/clock.service';
import { HealthLogs } from '../core/health-logs.service';
import { OAuthActions } from '../core/oauth-actions.service';
import { availability } from '../core/permissions';
import { Realtime } from '../core/realtime.service';
import { RuntimeConfig } from '../core/runtime-config.service';
import { Session } from '../core/session.service';
import { ServerActions } from '../core/server-actions.service';
import { ServersStore } from '../core/servers.store';
import { UptimeService } from '../core/uptime.service';
import { DASH, formatDateTime, formatDuration, formatMs, formatPercent } from '../shared/format';
import {
  TRANSPORT_NAME,
  deprecationNotes,
  protocolSummary,
  revisionTitle,
} from '../shared/protocol-labels';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { RelativeTime } from '../shared/relative-time';
import { MaintenanceMark } from '../shared/maintenance-mark';
import { StatusBadge } from '../shared/status-badge';
import { ServerActionsBar } from '../servers/server-actions-bar';
import { ServerDialog } from '../servers/server-dialog';
import { suspicionFor } from '../servers/server-table';
import { ToolTester } from '../tools/tool-tester';
import { HealthChart } from './health-chart';
import { PromptGetter } from './prompt-getter';
import { ResourceReader } from './resource-reader';

/** Events about one server arrive in bursts (check, circuit, status): one catch-up per burst. */
const CATCH_UP_MS = 300;

const GRANT_LABEL: Readonly<Record<OAuthGrant, string>> = {
  client_credentials: 'client credentials',
  authorization_code: 'authorization code (an operator authorizes)',
};

const EVENT_TONE: Readonly<Record<string, 'good' | 'bad' | 'plain'>> = {
  connected: 'good',
  recovery_success: 'good',
  circuit_closed: 'good',
  manually_enabled: 'good',
  circuit_opened: 'bad',
  disconnected: 'bad',
  auto_disabled: 'bad',
};

@Component({
  selector: 'o2-server-detail-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    StatusBadge,
    MaintenanceMark,
    RelativeTime,
    ServerActionsBar,
    ServerDialog,
    ToolTester,
    HealthChart,
    PromptGetter,
    ResourceReader,
    ConfirmDialog,
  ],
  templateUrl: './server-detail.page.html',
})
export class ServerDetailPage {
  private readonly store = inject(ServersStore);
  private readonly clock = inject(Clock);
  private readonly router = inject(Router);
  protected readonly actions = inject(ServerActions);
  protected readonly config = inject(RuntimeConfig);
  protected readonly uptime = inject(UptimeService);
  protected readonly capabilities = inject(CapabilitiesService);
  protected readonly logs = inject(HealthLogs);
  protected readonly oauth = inject(OAuthActions);
  private readonly session = inject(Session);

  /** Route parameter: server id or name. */
  readonly id = input.required<string>();

  protected readonly windows = UPTIME_WINDOWS;
  protected readonly transportName = TRANSPORT_NAME;
  protected readonly protocolSummary = protocolSummary;
  protected readonly revisionTitle = revisionTitle;
  protected readonly deprecationNotes = deprecationNotes;
  protected readonly circuitLabel = CIRCUIT_STATE_LABEL;
  protected readonly grantLabel = GRANT_LABEL;
  /** The "Forget OAuth tokens" confirmation is open. */
  protected readonly forgetting = signal(false);
  protected readonly forgetAvailability = computed(() => {
    const s = this.server();
    return s
      ? availability('forget_tokens', s, this.session.role())
      : { enabled: false, reason: '' };
  });
  protected readonly lastCheck = computed(() => {
    const s = this.server();
    return s ? lastCheckOf(s) : null;
  });
  protected readonly suspicion = computed(() => {
    const s = this.server();
    return s ? suspicionFor(s, this.config.failureThreshold()) : null;
  });
  protected readonly failures = computed(() => {
    const s = this.server();
    return s ? failuresTowardThreshold(s, this.config.failureThreshold()) : 0;
  });
  /** Ended outages plus the one going on, ticking with the clock. */
  protected readonly downtime = computed(() => {
    const s = this.server();
    return s ? downtimeSecondsOf(s, this.clock.now()) : 0;
  });
  /** A pending catch-up after events about this server. */
  private catchUpTimer: ReturnType<typeof setTimeout> | null = null;
  protected readonly notFound = signal(false);
  protected readonly loadError = signal<ApiError | null>(null);
  /** The server as it was when Edit was pressed: live updates never reset the form. */
  protected readonly editing = signal<McpServerView | null>(null);

  protected readonly server = computed<McpServerView | null>(
    () => this.store.byIdOrName(this.id()) ?? null,
  );
  protected readonly caps = computed(() => {
    const s = this.server();
    return s ? this.capabilities.entry(s.id) : undefined;
  });
  /** "in 42 s" until the next attempt while the circuit is open. */
  protected readonly countdown = computed(() => {
    const s = this.server();
    if (!s?.next_check_at) return null;
    const ms = Date.parse(s.next_check_at) - this.clock.now();
    if (Number.isNaN(ms)) return null;
    return ms <= 0 ? 'due now' : `in ${formatDuration(ms / 1000)}`;
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.open(id));
    });
    // Events carry a few fields each; every figure on the page comes from the API, so the page
    // refetches what an event about its server may have changed (row, uptime) instead of
    // patching it, and matches the API field by field however long it stays open.
    const stop = inject(Realtime).onEvent((event) => {
      const s = this.server();
      if (s === null || event.server_id !== s.id) return;
      this.catchUpTimer ??= setTimeout(() => {
        this.catchUpTimer = null;
        void this.catchUp(s.id);
      }, CATCH_UP_MS);
    });
    inject(DestroyRef).onDestroy(() => {
      stop();
      if (this.catchUpTimer !== null) clearTimeout(this.catchUpTimer);
      this.logs.close();
    });
  }

  private async catchUp(id: string): Promise<void> {
    await this.store.fetchOne(id).catch(() => undefined);
    for (const w of UPTIME_WINDOWS) void this.uptime.load(id, w);
  }

  /** Green for what went right, red for what went wrong, plain for the rest. */
  protected tone(entry: HealthLogEntry): 'good' | 'bad' | 'plain' {
    if (entry.error_kind !== null) return 'bad';
    return EVENT_TONE[entry.event_type] ?? 'plain';
  }

  private async open(ref: string): Promise<void> {
    this.notFound.set(false);
    this.loadError.set(null);
    let server = this.store.byIdOrName(ref) ?? null;
    if (!server) {
      try {
        server = await this.store.fetchOne(ref);
      } catch (error) {
        this.loadError.set(toApiError(error));
        return;
      }
      if (!server) {
        this.notFound.set(true);
        return;
      }
    }
    void this.logs.open(server.id);
    void this.capabilities.load(server.id);
    void this.config.load('circuit_breaker');
    for (const w of UPTIME_WINDOWS) void this.uptime.load(server.id, w);
  }

  protected uptimeOf(server: McpServerView, window: UptimeWindow) {
    return this.uptime.entry(server.id, window);
  }

  protected pct(value: number | null | undefined): string {
    return formatPercent(value ?? null, 2);
  }

  protected ms(value: number | null | undefined): string {
    return formatMs(value ?? null);
  }

  protected duration(seconds: number | null | undefined): string {
    return seconds === null || seconds === undefined ? DASH : formatDuration(seconds);
  }

  protected when(iso: string | null | undefined): string {
    return formatDateTime(iso);
  }

  protected explain(error: ApiError | null | undefined): string {
    return error ? describeError(error) : '';
  }

  protected envNames(server: McpServerView): string {
    const names = Object.keys(server.env ?? {});
    return names.length > 0 ? names.join(', ') : DASH;
  }

  protected async forgetTokens(server: McpServerView): Promise<void> {
    // A refusal is toasted and the confirmation stays open, as Delete's does.
    if (await this.oauth.forgetTokens(server)) this.forgetting.set(false);
  }

  protected gone(): void {
    void this.router.navigate(['/servers']);
  }

  protected onIncludeChecks(event: Event): void {
    this.logs.setIncludeChecks((event.target as HTMLInputElement).checked);
  }
}
