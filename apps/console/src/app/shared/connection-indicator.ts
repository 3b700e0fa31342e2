import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Clock } from '../core/clock.service';
import { Realtime, type ConnectionState } from '../core/realtime.service';
import { formatDuration } from './format';

const LABEL: Readonly<Record<ConnectionState, string>> = {
  stopped: 'Not connected',
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Polling',
  offline: 'Offline',
};

const EXPLAIN: Readonly<Record<ConnectionState, string>> = {
  stopped: 'Live updates are off',
  connecting: 'Opening the live event feed',
  live: 'Live: changes arrive over Socket.IO as they happen',
  polling: 'The live feed is down: fetching events over HTTP every few seconds while it reconnects',
  offline:
    'Neither the live feed nor event polling works: data may be stale; retrying with backoff',
};

/** Live / polling / offline, with how long and why in the tooltip. */
@Component({
  selector: 'o2-connection-indicator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span
    class="conn"
    [class]="'conn conn-' + realtime.state()"
    [attr.data-state]="realtime.state()"
    data-testid="socket-indicator"
    [attr.title]="tooltip()"
    role="status"
    ><span class="dot" aria-hidden="true"></span>{{ label() }}</span
  >`,
})
export class ConnectionIndicator {
  protected readonly realtime = inject(Realtime);
  private readonly clock = inject(Clock);
  protected readonly label = computed(() => {
    const state = this.realtime.state();
    const since = this.realtime.downSince();
    if (since === null || state === 'live' || state === 'connecting') return LABEL[state];
    return `${LABEL[state]} ${formatDuration((this.clock.now() - since) / 1000)}`;
  });
  protected readonly tooltip = computed(() => {
    const error = this.realtime.lastError();
    const base = EXPLAIN[this.realtime.state()];
    return error && this.realtime.state() !== 'live' ? `${base} (${error})` : base;
  });
}
