import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CHANNEL_KINDS } from '@omni2/contracts';
import type { DataSource } from 'typeorm';
import { AppEnv } from '../config/env.schema';
import { Metrics } from '../metrics/metrics';
import { AlertSweeper } from './alert-sweeper';
import { OutboxSender } from './outbox-sender';

const SEND_EVERY_MS = 1_000;
const SWEEP_EVERY_MS = 2_000;

/**
 * Runs on every replica that runs the coordinator: the outbox sender every second, the sweeper
 * (durations, reminders) and the pending gauge every two. Separate timers from the check loop,
 * so a slow receiver never delays a check.
 */
@Injectable()
export class AlertsLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('alerts');
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly sender: OutboxSender,
    private readonly sweeper: AlertSweeper,
    private readonly metrics: Metrics,
    private readonly env: AppEnv,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.values.OMNI2_COORDINATOR !== 'on') return;
    this.timers.push(
      setInterval(() => void this.safely('send', () => this.sender.drain()), SEND_EVERY_MS),
      setInterval(() => void this.safely('sweep', () => this.sweepAndCount()), SWEEP_EVERY_MS),
    );
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private async sweepAndCount(): Promise<void> {
    await this.sweeper.sweep();
    const rows = await this.db.query<{ kind: string; n: number }[]>(
      `SELECT c.kind, count(*)::int AS n FROM omni2.alert_outbox o
         JOIN omni2.alert_channels c ON c.id = o.channel_id
        WHERE o.status = 'pending' GROUP BY c.kind`,
    );
    for (const kind of CHANNEL_KINDS) {
      this.metrics.notificationsPending.set({ kind }, rows.find((r) => r.kind === kind)?.n ?? 0);
    }
  }

  private async safely(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.error(`${what} failed: ${String(error)}`);
    }
  }
}
