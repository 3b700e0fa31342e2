import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AlertCatalog } from '../alerts/alert-catalog';
import { AlertStager } from '../alerts/alert-stager';
import { Clock } from '../common/clock';
import { RuntimeConfigService } from '../config/runtime-config.service';
import { EventStream } from '../events/event-stream';
import { HealthLogEntity } from '../health-log/health-log.entity';

/**
 * Raises one `critical_alert` when many circuits open within the configured window. Counted from
 * the shared health log, so failures seen by every replica add up; the alert is then held back
 * for one window so a wave of failures is one alert, not dozens.
 */
@Injectable()
export class CriticalAlerts {
  private readonly log = new Logger('coordinator');
  private quietUntil = 0;

  constructor(
    @InjectRepository(HealthLogEntity) private readonly repo: Repository<HealthLogEntity>,
    private readonly config: RuntimeConfigService,
    private readonly events: EventStream,
    private readonly clock: Clock,
    private readonly alerts: AlertStager,
    private readonly catalog: AlertCatalog,
  ) {}

  /** Called after a check opened a circuit. */
  async circuitOpened(): Promise<void> {
    const now = this.clock.now();
    if (now < this.quietUntil) return;
    const { critical_failure_count: threshold, critical_window_seconds: window } =
      await this.config.get('alerts');
    const [row] = await this.repo.query<{ count: number }[]>(
      `SELECT count(DISTINCT server_id)::int AS count FROM omni2.mcp_health_log
        WHERE event_type = 'circuit_opened' AND created_at > now() - make_interval(secs => $1)`,
      [window],
    );
    const count = row?.count ?? 0;
    if (count < threshold) return;
    this.quietUntil = now + window * 1_000;
    this.log.error(`${count} servers opened their circuit within ${window} s`);
    await this.events.publish([
      {
        type: 'critical_alert',
        server_id: null,
        mcp_name: null,
        severity: 'critical',
        data: {
          reason: `${count} servers failed (circuit opened) within ${window} s`,
          count,
          window_seconds: window,
        },
      },
    ]);
    // One per window across replicas, whatever their own quiet periods: the first to stage
    // holds the lock, the others find its notification.
    const rules = await this.catalog.snapshot();
    await this.repo.manager.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('omni2.critical_alert'))`);
      const recent = await tx.query<unknown[]>(
        `SELECT 1 FROM omni2.alert_outbox
          WHERE event = 'critical_alert' AND kind = 'alert' AND created_at > $1 LIMIT 1`,
        [new Date(now - window * 1_000)],
      );
      if (recent.length > 0) return;
      await this.alerts.stageFleet(
        tx,
        rules,
        'critical_alert',
        `${count} servers went down within ${window} s`,
        `${count} servers opened their circuit within ${window} s`,
        new Date(now),
      );
    });
  }
}
