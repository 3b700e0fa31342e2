import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AlertNotification, ChannelKind } from '@omni2/contracts';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ReplicaIdentity } from '../common/replica-identity';
import { Metrics } from '../metrics/metrics';
import { SecretCodec } from '../secrets/secret-codec';
import type { ChannelConfig } from './channels/channel-config';
import { type DeliveryResult, sendNotification } from './channels/send-notification';

interface Claimed {
  id: string;
  channel_id: string;
  kind: ChannelKind;
  config: string;
  attempts: number;
  notification: AlertNotification;
}

/** Attempts before a notification is given up as failed: about 40 minutes in all. */
export const MAX_ATTEMPTS = 8;
/** How long a claim holds a notification; a replica killed mid-send loses it after this. */
const CLAIM_MS = 30_000;
const SEND_TIMEOUT_MS = 10_000;
const BATCH = 20;

/** 10 s, 20 s, 40 s, ... at most 30 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

/**
 * Sends the outbox (SPEC §12). Whichever replica claims a notification sends it (FOR UPDATE
 * SKIP LOCKED, as checks are claimed); a claim lapses after 30 seconds, so a replica killed
 * mid-send loses nothing: another sends it again with the same delivery id, which receivers
 * use to drop the duplicate. Failures are retried with backoff, then marked failed with the
 * reason. Runs apart from the check loop, which never waits on a receiver.
 */
@Injectable()
export class OutboxSender {
  private readonly log = new Logger('alerts');
  private running: Promise<number> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: SecretCodec,
    private readonly clock: Clock,
    private readonly replica: ReplicaIdentity,
    private readonly metrics: Metrics,
  ) {}

  /** One round: claim what is due, send it, record the outcomes. Rounds never overlap. */
  drain(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((c) => this.deliver(c)));
    return claimed.length;
  }

  private async claim(): Promise<Claimed[]> {
    const now = new Date(this.clock.now());
    return this.db
      .query<Claimed[]>(
        `UPDATE omni2.alert_outbox o
          SET claimed_by = $1, claimed_until = $2, attempts = o.attempts + 1
         FROM omni2.alert_channels c
        WHERE c.id = o.channel_id
          AND o.id IN (
            SELECT id FROM omni2.alert_outbox
             WHERE status = 'pending' AND next_attempt_at <= $3
               AND (claimed_until IS NULL OR claimed_until < $3)
             ORDER BY next_attempt_at
             LIMIT $4
             FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.channel_id, c.kind, c.config, o.attempts, o.notification`,
        [this.replica.id, new Date(now.getTime() + CLAIM_MS), now, BATCH],
      )
      .then((rows) => (Array.isArray(rows[0]) ? (rows[0] as Claimed[]) : rows));
  }

  private async deliver(c: Claimed): Promise<void> {
    let result: DeliveryResult;
    try {
      const config = (this.codec.open(c.config, 'alert_config') ?? {}) as ChannelConfig;
      result = await sendNotification(c.kind, config, c.notification, {
        timeoutMs: SEND_TIMEOUT_MS,
      });
    } catch (error) {
      // A channel no configured key opens, or a sender bug: recorded, never retried blindly.
      result = {
        ok: false,
        status_code: null,
        response: '',
        error: `could not send: ${error instanceof Error ? error.message : String(error)}`,
        retryable: false,
      };
    }
    const now = this.clock.now();
    const giveUp = !result.ok && (!result.retryable || c.attempts >= MAX_ATTEMPTS);
    const status = result.ok ? 'sent' : giveUp ? 'failed' : 'pending';
    await this.db.query(
      `UPDATE omni2.alert_outbox
          SET status = $2, last_status_code = $3, last_error = $4, response = $5,
              next_attempt_at = $6, claimed_by = NULL, claimed_until = NULL,
              finished_at = $7
        WHERE id = $1 AND claimed_by = $8`,
      [
        c.id,
        status,
        result.status_code,
        result.error,
        result.response,
        new Date(now + (status === 'pending' ? retryDelayMs(c.attempts) : 0)),
        status === 'pending' ? null : new Date(now),
        // A claim that lapsed (this replica was too slow) belongs to whoever took it since.
        this.replica.id,
      ],
    );
    this.metrics.notificationDelivered(c.kind, status);
    if (status === 'failed') {
      this.log.warn(`notification ${c.id} to ${c.kind} channel failed: ${result.error ?? ''}`);
    }
  }
}
