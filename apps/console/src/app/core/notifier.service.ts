import { Injectable, inject } from '@angular/core';
import { HEALTH_STATUS_LABEL, circuitChangeText, type EventEnvelope } from '@omni2/contracts';
import { Realtime } from './realtime.service';
import { Toasts, type ToastKind } from './toasts.service';

const BATCH_MS = 250;

/**
 * Turns events into toasts: status changes, circuit changes and auto-disable. Events for one
 * server that arrive together (circuit opened + status changed) become one toast; a burst across
 * many servers becomes one summary. History (replayed events older than this session) is silent.
 */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly toasts = inject(Toasts);
  private readonly realtime = inject(Realtime);
  private pending: EventEnvelope[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    this.realtime.onEvent((event) => this.take(event));
  }

  private take(event: EventEnvelope): void {
    if (Date.parse(event.timestamp) < this.realtime.startedAt - 5000) return;
    if (
      event.type !== 'mcp_status_change' &&
      event.type !== 'circuit_breaker_state' &&
      event.type !== 'mcp_auto_disabled' &&
      event.type !== 'critical_alert'
    ) {
      return;
    }
    this.pending.push(event);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.timer = null;
    const events = this.pending;
    this.pending = [];
    for (const alert of events.filter((e) => e.type === 'critical_alert')) {
      const data = (alert as EventEnvelope<'critical_alert'>).data;
      this.toasts.show('error', `Critical: ${data.reason}`);
    }
    const byServer = new Map<string, EventEnvelope[]>();
    for (const event of events) {
      if (event.type === 'critical_alert') continue;
      const key = event.server_id ?? event.mcp_name ?? '?';
      byServer.set(key, [...(byServer.get(key) ?? []), event]);
    }
    if (byServer.size > 3) {
      const counts = new Map<string, number>();
      for (const group of byServer.values()) {
        const status = group
          .filter((e) => e.type === 'mcp_status_change')
          .map((e) => (e as EventEnvelope<'mcp_status_change'>).data.new_status)
          .pop();
        const label = status ? HEALTH_STATUS_LABEL[status] : 'circuit changed';
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      const parts = [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
      this.toasts.show('warning', `${byServer.size} servers changed: ${parts}`, '/servers');
      return;
    }
    for (const [serverId, group] of byServer) this.toastFor(serverId, group);
  }

  private toastFor(serverId: string, group: EventEnvelope[]): void {
    const name = group.find((e) => e.mcp_name)?.mcp_name ?? serverId;
    const parts: string[] = [];
    let kind: ToastKind = 'info';
    for (const event of group) {
      if (event.type === 'mcp_status_change') {
        const data = (event as EventEnvelope<'mcp_status_change'>).data;
        parts.push(
          `${HEALTH_STATUS_LABEL[data.old_status]} → ${HEALTH_STATUS_LABEL[data.new_status]}`,
        );
        kind = data.new_status === 'healthy' ? 'success' : worse(kind, severityKind(event));
      } else if (event.type === 'circuit_breaker_state') {
        const data = (event as EventEnvelope<'circuit_breaker_state'>).data;
        const when = data.next_attempt_at
          ? `, next attempt ${new Date(data.next_attempt_at).toLocaleTimeString()}`
          : '';
        parts.push(`${circuitChangeText(data.old_state, data.new_state)}${when}`);
        kind = worse(kind, data.new_state === 'closed' ? 'success' : 'warning');
      } else if (event.type === 'mcp_auto_disabled') {
        const data = (event as EventEnvelope<'mcp_auto_disabled'>).data;
        parts.push(`auto-disabled: ${data.reason}`);
        kind = 'error';
      }
    }
    if (parts.length > 0)
      this.toasts.show(kind, `${name}: ${parts.join(' · ')}`, `/servers/${serverId}`);
  }
}

function severityKind(event: EventEnvelope): ToastKind {
  switch (event.severity) {
    case 'info':
      return 'info';
    case 'warning':
      return 'warning';
    case 'error':
    case 'critical':
      return 'error';
  }
}

const RANK: Readonly<Record<ToastKind, number>> = { info: 0, success: 1, warning: 2, error: 3 };
function worse(a: ToastKind, b: ToastKind): ToastKind {
  return RANK[a] >= RANK[b] ? a : b;
}
