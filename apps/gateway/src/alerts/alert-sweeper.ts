import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AlertCatalog, type AlertRules } from './alert-catalog';
import type { AlertRuleEntity } from './alert-rule.entity';
import { AlertStager, downConditionHolds, downNotice, recoveryNotice } from './alert-stager';

interface OpenIncident {
  rule_id: string;
  server_id: string;
  server_name: string;
  opened_at: Date;
  failures: number;
  notified_at: Date | null;
  last_reminder_at: Date | null;
  circuit_state: string;
  consecutive_failures: number;
  status: string;
  last_error: string | null;
}

/** How many incidents one sweep takes at most; the rest wait for the next (a few seconds). */
const SWEEP_BATCH = 200;

/**
 * What comes due between checks: a rule's duration reached while the server is still down, a
 * reminder interval passed, or an incident whose server is fine again without a check saying
 * so (an operator reset or disabled it). Each replica sweeps; incidents are taken with
 * SKIP LOCKED and the outbox rows are written in the same transaction, so each is sent once.
 */
@Injectable()
export class AlertSweeper {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: AlertCatalog,
    private readonly stager: AlertStager,
    private readonly clock: Clock,
  ) {}

  async sweep(): Promise<number> {
    // Read before the transaction: inside it, a second pooled connection could never come.
    const catalog = await this.catalog.snapshot();
    const rules = catalog.rules.filter((r) => r.events.includes('server_down'));
    // Incidents of rules disabled, deleted or no longer watching server_down end here.
    await this.db.query(
      `DELETE FROM omni2.alert_incidents WHERE event = 'server_down' AND NOT (rule_id = ANY($1::uuid[]))`,
      [rules.map((r) => r.id)],
    );
    if (rules.length === 0) return 0;
    const byId = new Map(rules.map((r) => [r.id, r]));
    const at = new Date(this.clock.now());
    return this.db.transaction(async (tx) => {
      const incidents = await tx.query<OpenIncident[]>(
        `SELECT i.rule_id, i.server_id, s.name AS server_name, i.opened_at, i.failures,
                i.notified_at, i.last_reminder_at, s.circuit_state, s.consecutive_failures,
                s.status, s.last_error
           FROM omni2.alert_incidents i JOIN omni2.mcp_servers s ON s.id = i.server_id
          WHERE i.event = 'server_down'
          ORDER BY i.opened_at
          LIMIT $1
          FOR UPDATE OF i SKIP LOCKED`,
        [SWEEP_BATCH],
      );
      let staged = 0;
      for (const incident of incidents) {
        const rule = byId.get(incident.rule_id);
        staged += await this.sweepOne(tx, catalog, incident, rule, at);
      }
      return staged;
    });
  }

  private async sweepOne(
    tx: EntityManager,
    catalog: AlertRules,
    incident: OpenIncident,
    rule: AlertRuleEntity | undefined,
    at: Date,
  ): Promise<number> {
    const key = [incident.rule_id, incident.server_id];
    const server = { id: incident.server_id, name: incident.server_name };
    const fine =
      incident.status !== 'active' ||
      (incident.circuit_state === 'closed' && incident.consecutive_failures === 0);
    if (!rule || fine) {
      // Reset or recovered without a check noticing: the incident ends, with its recovery when
      // one was due; a disabled server's ends quietly (an operator's own action).
      await tx.query(
        `DELETE FROM omni2.alert_incidents WHERE rule_id = $1 AND server_id = $2 AND event = 'server_down'`,
        key,
      );
      if (!rule || incident.status !== 'active' || incident.notified_at === null) return 0;
      if (!rule.send_recovery) return 0;
      await this.stager.write(
        tx,
        [recoveryNotice(rule, server, at, incident.notified_at)],
        catalog.inMaintenance(server, at),
      );
      return 1;
    }
    const held = catalog.inMaintenance(server, at);
    const circuitOpen = incident.circuit_state !== 'closed';
    if (incident.notified_at === null) {
      if (!downConditionHolds(rule, incident, circuitOpen, at)) return 0;
      await tx.query(
        `UPDATE omni2.alert_incidents SET notified_at = $3
          WHERE rule_id = $1 AND server_id = $2 AND event = 'server_down'`,
        [...key, at],
      );
      await this.stager.write(
        tx,
        [downNotice(rule, server, at, incident, incident.last_error)],
        held,
      );
      return 1;
    }
    const every = rule.reminder_interval_seconds;
    if (every === null) return 0;
    const last = incident.last_reminder_at ?? incident.notified_at;
    if (at.getTime() - new Date(last).getTime() < every * 1_000) return 0;
    await tx.query(
      `UPDATE omni2.alert_incidents SET last_reminder_at = $3
        WHERE rule_id = $1 AND server_id = $2 AND event = 'server_down'`,
      [...key, at],
    );
    await this.stager.write(
      tx,
      [downNotice(rule, server, at, incident, incident.last_error, 'reminder')],
      held,
    );
    return 1;
  }
}
