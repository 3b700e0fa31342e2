import { CdkVirtualScrollViewport, ScrollingModule } from '@angular/cdk/scrolling';
import { Location } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
  viewChild,
  type WritableSignal,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  HEALTH_STATUSES,
  HEALTH_STATUS_LABEL,
  HEALTH_STATUS_MEANING,
  PROTOCOLS,
  deprecatedParts,
  failuresTowardThreshold,
  lastCheckOf,
  type LastCheck,
  type Suspicion,
  type HealthStatus,
  type McpServerView,
  type Protocol,
} from '@omni2/contracts';
import { describeError } from '../core/api-error';
import { RuntimeConfig } from '../core/runtime-config.service';
import { ServerActions } from '../core/server-actions.service';
import { ServersStore } from '../core/servers.store';
import { Session } from '../core/session.service';
import { UptimeService } from '../core/uptime.service';
import { formatMs, formatPercent, relativeTime, truncateMiddle } from '../shared/format';
import { Icon } from '../shared/icon';
import {
  ERA_FILTERS,
  ERA_FILTER_HINT,
  ERA_FILTER_TITLE,
  TRANSPORT_NAME,
  TRANSPORT_SHORT,
  deprecationText,
  revisionTag,
  revisionTitle,
  type EraFilter,
} from '../shared/protocol-labels';
import { RelativeTime } from '../shared/relative-time';
import { MaintenanceMark } from '../shared/maintenance-mark';
import { StatusBadge } from '../shared/status-badge';
import { ServerActionsBar } from './server-actions-bar';
import { ServerDialog, type DialogTab } from './server-dialog';
import {
  countByStatus,
  failingServers,
  holdOrder,
  sameOrder,
  suspicionFor,
  tableRows,
  type SortKey,
} from './server-table';

interface Column {
  label: string;
  sort?: SortKey;
  num?: boolean;
  title?: string;
}

/** The table's header, in column order (the grid in styles.css has the widths). */
const COLUMNS: readonly Column[] = [
  { label: 'Name', sort: 'name' },
  { label: 'URL / command' },
  { label: 'Status', sort: 'status' },
  {
    label: 'Failures',
    sort: 'failures',
    num: true,
    title: "Consecutive failures / the breaker's failure threshold",
  },
  { label: 'T · P · R', sort: 'tools', num: true, title: 'Tools · prompts · resources' },
  { label: 'Last check', sort: 'last_check' },
  { label: 'Response', sort: 'response_time', num: true },
  { label: 'Up 24 h', num: true, title: 'Successful checks in the last 24 h' },
  { label: 'Actions' },
];

interface DialogState {
  server: McpServerView | null;
  tab: DialogTab;
}

const ROW_HEIGHT = 44;

@Component({
  selector: 'o2-servers-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    ScrollingModule,
    RouterLink,
    StatusBadge,
    MaintenanceMark,
    RelativeTime,
    ServerActionsBar,
    ServerDialog,
    Icon,
  ],
  templateUrl: './servers.page.html',
})
export class ServersPage {
  protected readonly store = inject(ServersStore);
  protected readonly actions = inject(ServerActions);
  protected readonly config = inject(RuntimeConfig);
  protected readonly uptime = inject(UptimeService);
  private readonly session = inject(Session);
  private readonly location = inject(Location);

  /**
   * Query parameters: `q` (search), `status` (comma-separated health statuses) and
   * `protocol_era` (modern, legacy or unknown, as the API's filter names them).
   */
  readonly q = input<string | undefined>();
  readonly status = input<string | undefined>();
  readonly protocolEra = input<string | undefined>(undefined, { alias: 'protocol_era' });
  /** `failing=1`: only servers marked "failing k/threshold". */
  readonly failing = input<string | undefined>();

  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly columns = COLUMNS;
  protected readonly statuses = HEALTH_STATUSES;
  protected readonly protocols = PROTOCOLS;
  protected readonly statusLabel = HEALTH_STATUS_LABEL;
  protected readonly protoLabel = TRANSPORT_SHORT;
  protected readonly transportName = TRANSPORT_NAME;
  protected readonly eras = ERA_FILTERS;
  protected readonly eraHint = ERA_FILTER_HINT;
  protected readonly eraTitle = ERA_FILTER_TITLE;
  protected readonly revisionTag = revisionTag;
  protected readonly revisionTitle = revisionTitle;
  protected readonly deprecation = deprecationText;
  protected readonly deprecatedParts = deprecatedParts;
  // The filters start from the URL (the dashboard links here filtered) and follow it when it
  // names them again; the page's own edits are only written back to it (replaceState).
  protected readonly text = fromQuery(this.q, (q) => q, '');
  protected readonly statusFilter = fromQuery<ReadonlySet<HealthStatus>>(
    this.status,
    (status) =>
      new Set(
        status
          .split(',')
          .filter((s): s is HealthStatus => (HEALTH_STATUSES as readonly string[]).includes(s)),
      ),
    new Set(),
  );
  protected readonly protocol = signal<Protocol | null>(null);
  protected readonly era = fromQuery<EraFilter | null>(
    this.protocolEra,
    (era) => (isEra(era) ? era : null),
    null,
  );
  /** Only servers marked "failing k/threshold" (checks failing, circuit still closed). */
  protected readonly failingOnly = fromQuery(this.failing, (failing) => failing === '1', false);
  protected readonly sort = signal<SortKey>('status');
  protected readonly dir = signal<'asc' | 'desc'>('asc');
  protected readonly dialog = signal<DialogState | null>(null);
  private readonly range = signal({ start: 0, end: 30 });
  private readonly viewport = viewChild(CdkVirtualScrollViewport);

  /** The rows as a fresh sort would order them now. */
  private readonly sorted = computed(() =>
    tableRows(this.candidates(), {
      text: this.text(),
      statuses: this.statusFilter(),
      protocol: this.protocol(),
      era: this.era(),
      sort: this.sort(),
      dir: this.dir(),
    }),
  );
  /** Worked out once per change, for both the chip's count and the filter. */
  private readonly failingRows = computed(() =>
    failingServers(this.store.servers(), this.config.failureThreshold()),
  );
  private readonly candidates = computed(() =>
    this.failingOnly() ? this.failingRows() : this.store.servers(),
  );
  protected readonly failingCount = computed(() => this.failingRows().length);
  /** The order the user last asked for (sort, filter, search, "Sort again"), as ids. */
  private readonly order = signal<readonly string[] | null>(null);
  /** What is shown: live rows, held in the asked-for order so nothing moves under the user. */
  protected readonly rows = computed(() => holdOrder(this.sorted(), this.order()));
  /** Live updates would order the rows differently: offered, never done unasked. */
  protected readonly reordered = computed(() => !sameOrder(this.rows(), this.sorted()));
  protected readonly counts = computed(() => countByStatus(this.store.servers()));
  protected readonly canAdd = computed(() => this.session.hasRole('admin'));
  protected readonly canCheckAll = computed(() => this.session.hasRole('operator'));
  protected readonly staleFor = computed(() => {
    const at = this.store.lastRefreshedAt();
    return at ? relativeTime(new Date(at).toISOString(), Date.now()) : null;
  });

  constructor() {
    // The order is taken when the user asks for one (and once the list has loaded), not on
    // every live update: five recoveries must not shift a scrolled list by five rows.
    effect(() => {
      this.text();
      this.statusFilter();
      this.protocol();
      this.era();
      this.failingOnly();
      this.sort();
      this.dir();
      this.store.loaded();
      untracked(() => this.sortAgain());
    });
    // Keep the URL in step without navigating (no re-render, no scroll reset).
    effect(() => {
      const params = new URLSearchParams();
      if (this.text()) params.set('q', this.text());
      if (this.statusFilter().size > 0) params.set('status', [...this.statusFilter()].join(','));
      const era = this.era();
      if (era) params.set('protocol_era', era);
      if (this.failingOnly()) params.set('failing', '1');
      const query = params.toString();
      untracked(() => this.location.replaceState('/servers', query));
    });
    // Uptime for the rows on screen only.
    effect(() => {
      const { start, end } = this.range();
      const ids = this.rows()
        .slice(Math.max(0, start - 5), end + 5)
        .map((s) => s.id);
      untracked(() => this.uptime.want(ids));
    });
    effect((onCleanup) => {
      const viewport = this.viewport();
      if (!viewport) return;
      const sub = viewport.renderedRangeStream.subscribe((r) => this.range.set(r));
      onCleanup(() => sub.unsubscribe());
    });
    void this.store.load();
    void this.config.load('circuit_breaker');
  }

  protected sortAgain(): void {
    this.order.set(this.sorted().map((s) => s.id));
  }

  protected trackById(_index: number, server: McpServerView): string {
    return server.id;
  }

  protected setText(event: Event): void {
    this.text.set((event.target as HTMLInputElement).value);
  }

  protected toggleStatus(status: HealthStatus): void {
    const next = new Set(this.statusFilter());
    if (next.has(status)) next.delete(status);
    else next.add(status);
    this.statusFilter.set(next);
  }

  protected clearStatuses(): void {
    this.statusFilter.set(new Set());
  }

  protected setProtocol(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.protocol.set(value === '' ? null : (value as Protocol));
  }

  protected setEra(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.era.set(isEra(value) ? value : null);
  }

  protected sortBy(key: SortKey): void {
    if (this.sort() === key) this.dir.set(this.dir() === 'asc' ? 'desc' : 'asc');
    else {
      this.sort.set(key);
      this.dir.set(key === 'last_check' || key === 'tools' ? 'desc' : 'asc');
    }
  }

  protected ariaSort(key: SortKey): 'ascending' | 'descending' | 'none' {
    if (this.sort() !== key) return 'none';
    return this.dir() === 'asc' ? 'ascending' : 'descending';
  }

  protected target(server: McpServerView): string {
    if (server.url) return server.url;
    return [server.command ?? '', ...(server.args ?? [])].join(' ').trim() || '—';
  }

  protected short(text: string): string {
    return truncateMiddle(text, 48);
  }

  protected ms(value: number | null): string {
    return formatMs(value);
  }

  protected capsTitle(server: McpServerView): string {
    const c = server.capabilities;
    if (!c) return 'Capabilities not fetched yet (the server has not answered a check)';
    return `${c.tools} tools, ${c.prompts} prompts, ${c.resources} resources`;
  }

  protected uptimeText(server: McpServerView): string {
    const entry = this.uptime.entry(server.id);
    if (!entry) return '…';
    if (entry.error) return 'n/a';
    return formatPercent(entry.view?.uptime_percent ?? null);
  }

  protected uptimeTitle(server: McpServerView): string {
    const entry = this.uptime.entry(server.id);
    if (!entry) return 'Loading';
    if (entry.error) return `Uptime unavailable: ${describeError(entry.error)}`;
    const v = entry.view;
    if (!v || v.uptime_percent === null) return 'No checks in the last 24 h';
    return `${v.successful_checks}/${v.checks} checks succeeded in the last 24 h`;
  }

  protected suspicion(server: McpServerView): Suspicion | null {
    return suspicionFor(server, this.config.failureThreshold());
  }

  protected failures(server: McpServerView): number {
    return failuresTowardThreshold(server, this.config.failureThreshold());
  }

  protected failuresTitle(server: McpServerView): string {
    const threshold = this.config.failureThreshold();
    const note = this.config.thresholdKnown() ? '' : ' (default, settings not loaded)';
    if (server.circuit_state !== 'closed') {
      return `The circuit opened at ${threshold} consecutive failures${note}; ${server.failure_cycles} failed recoveries since`;
    }
    return `${this.failures(server)} consecutive failures; the circuit opens at ${threshold}${note}`;
  }

  protected lastCheck(server: McpServerView): LastCheck | null {
    return lastCheckOf(server);
  }

  protected responseTitle(server: McpServerView): string {
    const last = lastCheckOf(server);
    if (last === null) return 'Not checked yet';
    if (last.ok) return 'Response time of the last check';
    return `The last check failed${last.error_kind ? ` (${last.error_kind})` : ''}: ${last.error ?? ''}`;
  }

  protected statusTitle(server: McpServerView): string {
    // A disabled server is not checked: its circuit says nothing about it now.
    if (server.status === 'inactive') {
      return server.disabled_reason === 'auto'
        ? 'Disabled automatically after repeated failures; enable it to check it again'
        : 'Disabled manually; enable it to check it again';
    }
    const parts = [HEALTH_STATUS_MEANING[server.health_status]];
    if (server.last_error) {
      parts.push(
        `Last error${server.last_error_kind ? ` (${server.last_error_kind})` : ''}: ${server.last_error}`,
      );
    }
    return parts.join('\n');
  }

  protected openAdd(): void {
    this.dialog.set({ server: null, tab: 'config' });
  }

  protected openEdit(server: McpServerView, tab: DialogTab = 'config'): void {
    this.dialog.set({ server, tab });
  }

  protected onSaved(): void {
    this.dialog.set(null);
  }
}

function isEra(value: string): value is EraFilter {
  return (ERA_FILTERS as readonly string[]).includes(value);
}

/**
 * A filter that takes its value from a query parameter whenever the URL names it, and keeps
 * the operator's own value while the URL leaves it out.
 */
function fromQuery<T>(
  param: () => string | undefined,
  parse: (value: string) => T,
  initial: T,
): WritableSignal<T> {
  return linkedSignal<string | undefined, T>({
    source: param,
    computation: (value, previous) =>
      value === undefined ? (previous?.value ?? initial) : parse(value),
  });
}
