import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  HEALTH_STATUSES,
  HEALTH_STATUS_LABEL,
  circuitChangeText,
  failuresTowardThreshold,
  type Suspicion,
  type EventEnvelope,
  type EventPage,
  type McpServerView,
} from '@omni2/contracts';
import { Api } from '../core/api';
import { Clock } from '../core/clock.service';
import { Realtime } from '../core/realtime.service';
import { RuntimeConfig } from '../core/runtime-config.service';
import { ServersStore } from '../core/servers.store';
import { formatDuration } from '../shared/format';
import { RelativeTime } from '../shared/relative-time';
import { StatusBadge } from '../shared/status-badge';
import { STATUS_RANK, countByStatus, failingServers, suspicionFor } from '../servers/server-table';

const ATTENTION = 8;

/** One line describing an event, by type. */
export function describeEvent(event: EventEnvelope): string {
  switch (event.type) {
    case 'mcp_status_change': {
      const d = (event as EventEnvelope<'mcp_status_change'>).data;
      return `${HEALTH_STATUS_LABEL[d.old_status]} → ${HEALTH_STATUS_LABEL[d.new_status]}${d.reason ? `: ${d.reason}` : ''}`;
    }
    case 'circuit_breaker_state': {
      const d = (event as EventEnvelope<'circuit_breaker_state'>).data;
      return circuitChangeText(d.old_state, d.new_state);
    }
    case 'mcp_auto_disabled': {
      const d = (event as EventEnvelope<'mcp_auto_disabled'>).data;
      return `auto-disabled after ${d.failure_cycles} cycles: ${d.reason}`;
    }
    case 'recovery_progress': {
      const d = (event as EventEnvelope<'recovery_progress'>).data;
      return `recovering: ${d.successes}/${d.required} probes ok`;
    }
    case 'mcp_health_check': {
      const d = (event as EventEnvelope<'mcp_health_check'>).data;
      return d.ok
        ? `check ok${d.response_time_ms !== null ? ` in ${d.response_time_ms} ms` : ''}`
        : `check failed${d.error_kind ? ` (${d.error_kind})` : ''}: ${d.error ?? ''}`;
    }
    case 'critical_alert': {
      const d = (event as EventEnvelope<'critical_alert'>).data;
      return `critical: ${d.reason} (${d.count} in ${d.window_seconds} s)`;
    }
    case 'mcp_config_changed': {
      const d = (event as EventEnvelope<'mcp_config_changed'>).data;
      return d.key === 'server' ? `server ${d.action}` : `setting ${d.key} updated`;
    }
    case 'capabilities_changed': {
      const d = (event as EventEnvelope<'capabilities_changed'>).data;
      return `capabilities: ${d.tools} tools, ${d.prompts} prompts, ${d.resources} resources`;
    }
  }
}

/**
 * Down, recovering, auto-disabled, failing, or waiting for an operator's OAuth authorization (not
 * down, but nothing changes until someone authorizes it).
 */
export function needsAttention(s: McpServerView): boolean {
  return (
    s.health_status === 'circuit_open' ||
    s.health_status === 'auth_required' ||
    s.health_status === 'unhealthy' ||
    s.disabled_reason === 'auto' ||
    (s.status === 'active' && s.consecutive_failures > 0)
  );
}

@Component({
  selector: 'o2-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, StatusBadge, RelativeTime],
  templateUrl: './dashboard.page.html',
})
export class DashboardPage {
  protected readonly store = inject(ServersStore);
  protected readonly realtime = inject(Realtime);
  protected readonly config = inject(RuntimeConfig);
  private readonly clock = inject(Clock);
  private readonly api = inject(Api);

  protected readonly statuses = HEALTH_STATUSES;
  protected readonly statusLabel = HEALTH_STATUS_LABEL;
  protected readonly showChecks = signal(false);
  protected readonly historyNote = signal<string | null>(null);
  protected readonly counts = computed(() => countByStatus(this.store.servers()));
  protected readonly failingCount = computed(
    () => failingServers(this.store.servers(), this.config.failureThreshold()).length,
  );
  protected readonly attention = computed(() => {
    const list = this.store.servers().filter(needsAttention);
    list.sort(
      (a, b) =>
        STATUS_RANK[a.health_status] - STATUS_RANK[b.health_status] ||
        b.consecutive_failures - a.consecutive_failures ||
        a.name.localeCompare(b.name),
    );
    return { total: list.length, shown: list.slice(0, ATTENTION) };
  });
  protected readonly events = computed(() =>
    this.realtime
      .recent()
      .filter((e) => this.showChecks() || e.type !== 'mcp_health_check')
      .slice(0, 30),
  );
  /** The newest event seen, live or from history: the same list the feed below shows. */
  protected readonly lastEvent = computed(
    (): EventEnvelope | null => this.realtime.recent()[0] ?? null,
  );
  protected readonly downFor = computed(() => {
    const since = this.realtime.downSince();
    return since === null ? null : formatDuration((this.clock.now() - since) / 1000);
  });

  constructor() {
    void this.store.load();
    void this.config.load('circuit_breaker');
    void this.loadHistory();
  }

  protected suspicion(server: McpServerView): Suspicion | null {
    return suspicionFor(server, this.config.failureThreshold());
  }

  protected failures(server: McpServerView): number {
    return failuresTowardThreshold(server, this.config.failureThreshold());
  }

  protected describe(event: EventEnvelope): string {
    return describeEvent(event);
  }

  protected toggleChecks(event: Event): void {
    this.showChecks.set((event.target as HTMLInputElement).checked);
  }

  private async loadHistory(): Promise<void> {
    try {
      const page = await this.api.get<EventPage>('/events', { limit: 50 });
      this.realtime.seedHistory(page.items);
    } catch {
      this.historyNote.set(
        'Earlier events are unavailable; showing events since this page opened.',
      );
    }
  }
}
