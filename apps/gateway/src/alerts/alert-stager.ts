import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { OAuthPublicUrls } from '../oauth/oauth-public-urls';
import type {
  AlertEvent,
  AlertNotification,
  CircuitBreakerStateData,
  McpStatusChangeData,
  NewEvent,
  NotificationKind,
} from '@omni2/contracts';
import type { EntityManager } from 'typeorm';
import type { AlertRules, AlertSubject } from './alert-catalog';
import type { AlertRuleEntity } from './alert-rule.entity';

/** What a change of one server says to the alert rules. */
export interface ServerSignal {
  at: Date;
  /** A health check's outcome (null for a tool call or an operator action). */
  checkOk: boolean | null;
  /** The server had failed checks or an open circuit before this change. */
  wasFailing: boolean;
  /** Its circuit is open or half-open after it. */
  circuitOpen: boolean;
  lastError: string | null;
  events: readonly NewEvent[];
}

interface Staged {
  rule: AlertRuleEntity | null;
  /** Set for changes several replicas may stage: the outbox keeps the first. */
  dedupeKey?: string;
  event: AlertEvent;
  kind: NotificationKind;
  severity: AlertNotification['severity'];
  title: string;
  text: string;
  server: AlertSubject | null;
  at: Date;
  channelIds: string[];
}

/**
 * Turns state changes into notifications in the outbox, inside the transaction that makes the
 * change (SPEC §12: written with the change, so a change produces exactly one notification
 * whatever the number of replicas, and none for a change that rolled back). Rules that wait
 * for N failed checks or a duration track an incident per rule and server; the sweeper sends
 * the ones that come due between checks, and the reminders.
 */
@Injectable()
export class AlertStager {
  constructor(@Optional() private readonly urls?: OAuthPublicUrls) {}

  /** Where the console shows it, when OMNI2_PUBLIC_URL says where people reach omni2. */
  private linkTo(server: AlertSubject | null): string | null {
    const base = this.urls?.configuredBase();
    if (!base) return null;
    return server ? `${base}/servers/${encodeURIComponent(server.id)}` : `${base}/`;
  }

  /**
   * The changes of one server, in the caller's transaction (CheckRecorder holds its row lock).
   * `rules` is a snapshot taken before the transaction (AlertCatalog.snapshot).
   */
  async stageServer(
    tx: EntityManager,
    rules: AlertRules,
    server: AlertSubject,
    signal: ServerSignal,
  ): Promise<void> {
    // Without rules only a recovery has work: ending incidents a since-disabled rule left.
    if (rules.empty && !signal.wasFailing) return;
    const held = rules.inMaintenance(server, signal.at);
    const staged: Staged[] = [];
    for (const e of signal.events) staged.push(...this.fromEvent(rules, server, e, signal));
    staged.push(...(await this.trackDown(tx, rules, server, signal)));
    await this.write(tx, staged, held);
  }

  /**
   * A fleet-wide event (critical alert, coordinator stall), in its own transaction. `dedupeKey`
   * names the change when several replicas may see it.
   */
  async stageFleet(
    tx: EntityManager,
    catalog: AlertRules,
    event: 'critical_alert' | 'coordinator_stalled',
    title: string,
    text: string,
    at: Date,
    dedupeKey?: string,
  ): Promise<void> {
    const rules = catalog.rulesFor(event, null);
    if (rules.length === 0) return;
    const held = catalog.inMaintenance(null, at);
    await this.write(
      tx,
      rules.map((rule) => ({
        rule,
        event,
        kind: 'alert' as const,
        severity: 'critical' as const,
        title,
        text,
        server: null,
        at,
        channelIds: rule.channel_ids,
        ...(dedupeKey ? { dedupeKey } : {}),
      })),
      held,
    );
  }

  /** A capability change of one server, in the transaction that recorded it. */
  async stageCapabilitiesChanged(
    tx: EntityManager,
    catalog: AlertRules,
    server: AlertSubject,
    text: string,
    at: Date,
  ): Promise<void> {
    const rules = catalog.rulesFor('capabilities_changed', server);
    if (rules.length === 0) return;
    await this.write(
      tx,
      rules.map((rule) => ({
        rule,
        event: 'capabilities_changed' as const,
        kind: 'alert' as const,
        severity: 'info' as const,
        title: `${server.name}: capabilities changed`,
        text,
        server,
        at,
        channelIds: rule.channel_ids,
      })),
      catalog.inMaintenance(server, at),
    );
  }

  /** One-shot events: auto-disabled, authorization needed (and its end), recovered. */
  private fromEvent(
    rules: AlertRules,
    server: AlertSubject,
    e: NewEvent,
    signal: ServerSignal,
  ): Staged[] {
    const out: Staged[] = [];
    const each = (
      event: AlertEvent,
      kind: NotificationKind,
      severity: Staged['severity'],
      title: string,
      text: string,
      onlyWithRecovery = false,
    ) => {
      for (const rule of rules.rulesFor(event, server)) {
        if (onlyWithRecovery && !rule.send_recovery) continue;
        out.push({
          rule,
          event,
          kind,
          severity,
          title,
          text,
          server,
          at: signal.at,
          channelIds: rule.channel_ids,
        });
      }
    };
    if (e.type === 'mcp_auto_disabled') {
      each(
        'server_auto_disabled',
        'alert',
        'critical',
        `${server.name} was disabled automatically`,
        (e.data as { reason: string }).reason,
      );
    }
    if (e.type === 'mcp_status_change') {
      const data = e.data as McpStatusChangeData;
      if (data.new_status === 'auth_required') {
        each(
          'auth_required',
          'alert',
          'warning',
          `${server.name} needs an operator's authorization`,
          signal.lastError ?? data.reason,
        );
      } else if (data.old_status === 'auth_required') {
        each(
          'auth_required',
          'recovery',
          'info',
          `${server.name} is authorized again`,
          data.reason,
          true,
        );
      }
    }
    if (e.type === 'circuit_breaker_state') {
      const data = e.data as CircuitBreakerStateData;
      if (data.new_state === 'closed' && data.old_state !== 'closed') {
        each('server_recovered', 'alert', 'info', `${server.name} recovered`, 'circuit closed');
      }
    }
    return out;
  }

  /**
   * server_down: an incident per rule opens at the first failed check and is notified once the
   * rule's condition holds (the circuit open, or N failed checks, and the duration); a success
   * closes it, with the recovery when the rule asks for one and the down was sent.
   */
  private async trackDown(
    tx: EntityManager,
    catalog: AlertRules,
    server: AlertSubject,
    signal: ServerSignal,
  ): Promise<Staged[]> {
    const rules = catalog.rulesFor('server_down', server);
    // Up again, whatever said so (a check, or a tool call that closed the half-open circuit):
    // open incidents end, with their recovery, even those of rules since disabled.
    const recovered = signal.checkOk !== false && signal.wasFailing && !signal.circuitOpen;
    // A passing probe while half-open is no failure.
    const failed = signal.checkOk === false || (signal.circuitOpen && signal.checkOk !== true);
    if (recovered) {
      // A DELETE ... RETURNING answers [rows, count] through TypeORM.
      const [closed] = await tx.query<[{ rule_id: string; notified_at: Date | null }[], number]>(
        `DELETE FROM omni2.alert_incidents WHERE server_id = $1 AND event = 'server_down'
         RETURNING rule_id, notified_at`,
        [server.id],
      );
      const out: Staged[] = [];
      for (const incident of closed) {
        const rule = rules.find((r) => r.id === incident.rule_id);
        if (!rule || !rule.send_recovery || incident.notified_at === null) continue;
        out.push(recoveryNotice(rule, server, signal.at, incident.notified_at));
      }
      return out;
    }
    if (!failed || rules.length === 0) return [];
    const out: Staged[] = [];
    for (const rule of rules) {
      const [incident] = await tx.query<
        { opened_at: Date; failures: number; notified_at: Date | null }[]
      >(
        `INSERT INTO omni2.alert_incidents (rule_id, server_id, event, opened_at, failures)
         VALUES ($1, $2, 'server_down', $3, $4)
         ON CONFLICT (rule_id, server_id, event)
           DO UPDATE SET failures = omni2.alert_incidents.failures + EXCLUDED.failures
         RETURNING opened_at, failures, notified_at`,
        [rule.id, server.id, signal.at, signal.checkOk === false ? 1 : 0],
      );
      if (incident.notified_at !== null) continue;
      if (!downConditionHolds(rule, incident, signal.circuitOpen, signal.at)) continue;
      await tx.query(
        `UPDATE omni2.alert_incidents SET notified_at = $3
          WHERE rule_id = $1 AND server_id = $2 AND event = 'server_down'`,
        [rule.id, server.id, signal.at],
      );
      out.push(downNotice(rule, server, signal.at, incident, signal.lastError));
    }
    return out;
  }

  /** Inserts one outbox row per staged notification and enabled channel. */
  async write(tx: EntityManager, staged: Staged[], held: boolean): Promise<void> {
    if (staged.length === 0) return;
    const channelIds = [...new Set(staged.flatMap((s) => s.channelIds))];
    const enabled = new Set(
      (
        await tx.query<{ id: string }[]>(
          `SELECT id FROM omni2.alert_channels WHERE id = ANY($1::uuid[]) AND enabled`,
          [channelIds],
        )
      ).map((r) => r.id),
    );
    for (const s of staged) {
      for (const channelId of s.channelIds.filter((id) => enabled.has(id))) {
        const id = randomUUID();
        const notification: AlertNotification = {
          delivery_id: id,
          kind: s.kind,
          event: s.event,
          severity: s.severity,
          title: s.title,
          text: s.text,
          server: s.server ? { id: s.server.id, name: s.server.name } : null,
          rule: s.rule ? { id: s.rule.id, name: s.rule.name } : null,
          occurred_at: s.at.toISOString(),
          event_id: null,
          url: this.linkTo(s.server),
        };
        await tx.query(
          `INSERT INTO omni2.alert_outbox (id, channel_id, rule_id, server_id, event, kind,
             notification, status, created_at, dedupe_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (channel_id, rule_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
          [
            id,
            channelId,
            s.rule?.id ?? null,
            s.server?.id ?? null,
            s.event,
            s.kind,
            notification,
            held ? 'held' : 'pending',
            s.at,
            s.dedupeKey ?? null,
          ],
        );
      }
    }
  }
}

export function downConditionHolds(
  rule: AlertRuleEntity,
  incident: { opened_at: Date; failures: number },
  circuitOpen: boolean,
  at: Date,
): boolean {
  const enough = rule.min_failures === null ? circuitOpen : incident.failures >= rule.min_failures;
  const lasted =
    at.getTime() - new Date(incident.opened_at).getTime() >= rule.min_duration_seconds * 1_000;
  return enough && lasted;
}

export function downNotice(
  rule: AlertRuleEntity,
  server: AlertSubject,
  at: Date,
  incident: { opened_at: Date; failures: number },
  lastError: string | null,
  kind: NotificationKind = 'alert',
): Staged {
  const since = new Date(incident.opened_at).toISOString();
  return {
    rule,
    event: 'server_down',
    kind,
    severity: 'error',
    title: kind === 'reminder' ? `${server.name} is still down` : `${server.name} is down`,
    text: `failing since ${since} (${incident.failures} failed checks)${lastError ? `; last error: ${lastError}` : ''}`,
    server,
    at,
    channelIds: rule.channel_ids,
  };
}

/** The recovery of a server_down that was notified (`notifiedAt`). */
export function recoveryNotice(
  rule: AlertRuleEntity,
  server: AlertSubject,
  at: Date,
  notifiedAt: Date,
): Staged {
  return {
    rule,
    event: 'server_down',
    kind: 'recovery',
    severity: 'info',
    title: `${server.name} is up again`,
    text: `down since ${new Date(notifiedAt).toISOString()} (first notified)`,
    server,
    at,
    channelIds: rule.channel_ids,
  };
}

export type { Staged };
