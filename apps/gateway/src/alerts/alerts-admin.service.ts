import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CHANNEL_KINDS,
  REDACTED,
  type AlertChannelView,
  type AlertNotification,
  type AlertRuleView,
  type ChannelKind,
  type ChannelTestResult,
  type DeliveryPage,
  type DeliveryView,
  type MaintenanceWindowView,
} from '@omni2/contracts';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { isUniqueViolation } from '../common/database-errors';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { EventStream } from '../events/event-stream';
import { SecretCodec } from '../secrets/secret-codec';
import { AlertCatalog } from './alert-catalog';
import { AlertChannelEntity } from './alert-channel.entity';
import {
  alertName,
  deliveryQuerySchema,
  ruleInputSchema,
  rulePatchSchema,
  windowInputSchema,
  windowPatchSchema,
} from './alert-inputs';
import { AlertRuleEntity } from './alert-rule.entity';
import { type ChannelConfig, channelConfigSchema, redactedConfig } from './channels/channel-config';
import { sendNotification } from './channels/send-notification';
import { MaintenanceWindowEntity } from './maintenance-window.entity';
import { nextOccurrenceAfter, occurrenceAt } from './maintenance-schedule';

const channelInputSchema = z
  .object({
    name: alertName,
    kind: z.enum(CHANNEL_KINDS, { message: `must be one of ${CHANNEL_KINDS.join(', ')}` }),
    config: z.record(z.string(), z.unknown(), { message: 'must be an object' }),
    enabled: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'AlertChannelInput' });

const channelPatchSchema = z
  .object({
    name: alertName.optional(),
    config: z.record(z.string(), z.unknown(), { message: 'must be an object' }).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'AlertChannelPatch' });

export { channelInputSchema, channelPatchSchema };

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The CRUD of SPEC §12's channels, rules and maintenance windows, and the delivery log. */
@Injectable()
export class AlertsAdminService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly codec: SecretCodec,
    private readonly catalog: AlertCatalog,
    private readonly clock: Clock,
    private readonly events: EventStream,
  ) {}

  // ---- channels ----

  async listChannels(): Promise<AlertChannelView[]> {
    const rows = await this.db.getRepository(AlertChannelEntity).find({ order: { name: 'ASC' } });
    return rows.map((r) => this.channelView(r));
  }

  async createChannel(body: unknown): Promise<AlertChannelView> {
    const input = parseOrThrow(channelInputSchema, body);
    const config = this.checkConfig(input.kind, input.config);
    const saved = await unique(input.name, () =>
      this.db.getRepository(AlertChannelEntity).save({
        name: input.name,
        kind: input.kind,
        config: this.codec.seal(config, 'alert_config')!,
        enabled: input.enabled,
      }),
    );
    await this.changed();
    return this.channelView(await this.channel(saved.id));
  }

  async updateChannel(id: string, body: unknown): Promise<AlertChannelView> {
    const patch = parseOrThrow(channelPatchSchema, body);
    const row = await this.channel(id);
    const changes: Partial<AlertChannelEntity> = { updated_at: new Date(this.clock.now()) };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    if (patch.config !== undefined) {
      // "***" (as the API shows secrets) keeps what is stored.
      const stored = this.codec.open(row.config, 'alert_config') ?? {};
      refuseSecretsToNewDestination(patch.config, stored);
      const config = this.checkConfig(row.kind, keepRedacted(patch.config, stored));
      changes.config = this.codec.seal(config, 'alert_config')!;
    }
    await unique(patch.name ?? row.name, () =>
      this.db.getRepository(AlertChannelEntity).update({ id }, changes),
    );
    await this.changed();
    return this.channelView(await this.channel(id));
  }

  async deleteChannel(id: string): Promise<void> {
    await this.channel(id);
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM omni2.alert_channels WHERE id = $1`, [id]);
      // A rule left with no channel sends nowhere: it keeps its other channels only.
      await tx.query(
        `UPDATE omni2.alert_rules SET channel_ids = array_remove(channel_ids, $1::uuid)
          WHERE $1::uuid = ANY(channel_ids)`,
        [id],
      );
    });
    await this.changed();
  }

  /** Sends a test notification now, outside the outbox, and shows what the receiver said. */
  async testChannel(id: string): Promise<ChannelTestResult> {
    const row = await this.channel(id);
    const config = this.codec.open(row.config, 'alert_config') as ChannelConfig;
    const deliveryId = randomUUID();
    const notification: AlertNotification = {
      delivery_id: deliveryId,
      kind: 'test',
      event: 'critical_alert',
      severity: 'info',
      title: `Test from omni2 (${row.name})`,
      text: 'If you can read this, the channel works.',
      server: null,
      rule: null,
      occurred_at: new Date(this.clock.now()).toISOString(),
      event_id: null,
      url: null,
    };
    const result = await sendNotification(row.kind, config, notification, { timeoutMs: 10_000 });
    await this.db.query(
      `INSERT INTO omni2.alert_outbox (id, channel_id, event, kind, notification, status, attempts,
         last_status_code, last_error, response, created_at, finished_at)
       VALUES ($1, $2, 'critical_alert', 'test', $3, $4, 1, $5, $6, $7, now(), now())`,
      [
        deliveryId,
        row.id,
        notification,
        result.ok ? 'sent' : 'failed',
        result.status_code,
        result.error,
        result.response,
      ],
    );
    return { ...result, delivery_id: deliveryId };
  }

  // ---- rules ----

  async listRules(): Promise<AlertRuleView[]> {
    const rows = await this.db.getRepository(AlertRuleEntity).find({ order: { name: 'ASC' } });
    return rows.map(ruleView);
  }

  async createRule(body: unknown): Promise<AlertRuleView> {
    const input = parseOrThrow(ruleInputSchema, body);
    await this.checkReferences(input.channel_ids, input.server_ids);
    const saved = await unique(input.name, () =>
      this.db.getRepository(AlertRuleEntity).save({ ...input }),
    );
    await this.changed();
    return ruleView(await this.rule(saved.id));
  }

  async updateRule(id: string, body: unknown): Promise<AlertRuleView> {
    const patch = parseOrThrow(rulePatchSchema, body);
    const current = ruleView(await this.rule(id));
    const merged = parseOrThrow(ruleInputSchema, { ...inputOf(current, RULE_FIELDS), ...patch });
    await this.checkReferences(merged.channel_ids, merged.server_ids);
    await unique(merged.name, () =>
      this.db
        .getRepository(AlertRuleEntity)
        .update({ id }, { ...merged, updated_at: new Date(this.clock.now()) }),
    );
    await this.changed();
    return ruleView(await this.rule(id));
  }

  async deleteRule(id: string): Promise<void> {
    await this.rule(id);
    await this.db.getRepository(AlertRuleEntity).delete({ id });
    await this.changed();
  }

  // ---- maintenance windows ----

  async listWindows(): Promise<MaintenanceWindowView[]> {
    const rows = await this.db
      .getRepository(MaintenanceWindowEntity)
      .find({ order: { starts_at: 'ASC' } });
    return rows.map((r) => this.windowView(r));
  }

  async createWindow(body: unknown, createdBy: string): Promise<MaintenanceWindowView> {
    const input = parseOrThrow(windowInputSchema, body);
    await this.checkReferences([], input.server_ids);
    const saved = await this.db.getRepository(MaintenanceWindowEntity).save({
      ...input,
      starts_at: new Date(input.starts_at),
      ends_at: input.ends_at === null ? null : new Date(input.ends_at),
      created_by: createdBy,
    });
    await this.changed();
    return this.windowView(await this.window(saved.id));
  }

  async updateWindow(id: string, body: unknown): Promise<MaintenanceWindowView> {
    const patch = parseOrThrow(windowPatchSchema, body);
    const current = this.windowView(await this.window(id));
    const merged = parseOrThrow(windowInputSchema, {
      ...inputOf(current, WINDOW_FIELDS),
      ...patch,
    });
    await this.checkReferences([], merged.server_ids);
    await this.db.getRepository(MaintenanceWindowEntity).update(
      { id },
      {
        ...merged,
        starts_at: new Date(merged.starts_at),
        ends_at: merged.ends_at === null ? null : new Date(merged.ends_at),
        updated_at: new Date(this.clock.now()),
      },
    );
    await this.changed();
    return this.windowView(await this.window(id));
  }

  async deleteWindow(id: string): Promise<void> {
    await this.window(id);
    await this.db.getRepository(MaintenanceWindowEntity).delete({ id });
    await this.changed();
  }

  // ---- delivery log ----

  async deliveries(query: unknown): Promise<DeliveryPage> {
    const q = parseOrThrow(deliveryQuerySchema, query);
    const before = q.before === undefined ? null : decodeCursor(q.before);
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT o.id, o.channel_id, c.name AS channel_name, c.kind AS channel_kind, o.rule_id,
              o.server_id, o.event, o.kind, o.status, o.attempts, o.notification->>'title' AS title,
              o.last_status_code, o.last_error, o.response, o.created_at, o.next_attempt_at,
              o.finished_at
         FROM omni2.alert_outbox o LEFT JOIN omni2.alert_channels c ON c.id = o.channel_id
        WHERE ($1::uuid IS NULL OR o.channel_id = $1)
          AND ($2::text IS NULL OR o.status = $2)
          AND ($3::timestamptz IS NULL OR (o.created_at, o.id) < ($3, $4::uuid))
        ORDER BY o.created_at DESC, o.id DESC
        LIMIT $5`,
      [q.channel_id ?? null, q.status ?? null, before?.at ?? null, before?.id ?? null, q.limit + 1],
    );
    const items = rows.slice(0, q.limit).map(deliveryView);
    const last = items.at(-1);
    return {
      items,
      next_cursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  // ---- helpers ----

  /** Rules, channels or windows changed: every replica reads them again at once. */
  private async changed(): Promise<void> {
    this.catalog.invalidate();
    await this.events.publish([
      {
        type: 'mcp_config_changed',
        server_id: null,
        mcp_name: null,
        severity: 'info',
        data: { key: 'alerts', action: 'updated', server: null },
      },
    ]);
  }

  private checkConfig(kind: ChannelKind, config: unknown): Record<string, unknown> {
    const result = channelConfigSchema(kind).safeParse(config);
    if (result.success) return result.data;
    throw DomainError.validation(
      result.error.issues.map((i) => ({
        field: ['config', ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    );
  }

  private async checkReferences(channelIds: string[], serverIds: string[]): Promise<void> {
    const missing = async (table: string, ids: string[]) => {
      if (ids.length === 0) return [];
      const found = await this.db.query<{ id: string }[]>(
        `SELECT id FROM omni2.${table} WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const known = new Set(found.map((r) => r.id));
      return ids.filter((id) => !known.has(id));
    };
    const errors = [
      ...(await missing('alert_channels', channelIds)).map((id) => ({
        field: 'channel_ids',
        message: `no channel has id ${id}`,
      })),
      ...(await missing('mcp_servers', serverIds)).map((id) => ({
        field: 'server_ids',
        message: `no server has id ${id}`,
      })),
    ];
    if (errors.length > 0) throw DomainError.validation(errors);
  }

  private async channel(id: string): Promise<AlertChannelEntity> {
    return found(
      await this.db.getRepository(AlertChannelEntity).findOne({ where: { id: uuidOr(id) } }),
      'channel',
      id,
    );
  }

  private async rule(id: string): Promise<AlertRuleEntity> {
    return found(
      await this.db.getRepository(AlertRuleEntity).findOne({ where: { id: uuidOr(id) } }),
      'rule',
      id,
    );
  }

  private async window(id: string): Promise<MaintenanceWindowEntity> {
    return found(
      await this.db.getRepository(MaintenanceWindowEntity).findOne({ where: { id: uuidOr(id) } }),
      'maintenance window',
      id,
    );
  }

  private channelView(row: AlertChannelEntity): AlertChannelView {
    let config: Record<string, unknown>;
    try {
      config = redactedConfig(
        row.kind,
        this.codec.open(row.config, 'alert_config') as ChannelConfig,
      );
    } catch {
      // Sealed under a key this replica lacks: nothing of it can be shown.
      config = { sealed: REDACTED };
    }
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      config,
      enabled: row.enabled,
      created_at: iso(row.created_at)!,
      updated_at: iso(row.updated_at)!,
    };
  }

  private windowView(row: MaintenanceWindowEntity): MaintenanceWindowView {
    const now = new Date(this.clock.now());
    const current = occurrenceAt(row, now);
    return {
      id: row.id,
      name: row.name,
      starts_at: iso(row.starts_at)!,
      ends_at: iso(row.ends_at),
      recurrence: row.recurrence,
      duration_seconds: row.duration_seconds,
      server_scope: row.server_scope,
      server_ids: row.server_ids,
      name_pattern: row.name_pattern,
      active: current !== null,
      current_or_next: current
        ? { starts_at: current[0].toISOString(), ends_at: current[1].toISOString() }
        : nextOccurrence(row, now),
      created_by: row.created_by,
      created_at: iso(row.created_at)!,
      updated_at: iso(row.updated_at)!,
    };
  }
}

interface DeliveryRow {
  id: string;
  channel_id: string;
  channel_name: string | null;
  channel_kind: ChannelKind | null;
  rule_id: string | null;
  server_id: string | null;
  event: DeliveryView['event'];
  kind: DeliveryView['kind'];
  status: DeliveryView['status'];
  attempts: number;
  title: string | null;
  last_status_code: number | null;
  last_error: string | null;
  response: string | null;
  created_at: Date;
  next_attempt_at: Date | null;
  finished_at: Date | null;
}

function deliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    channel_id: r.channel_id,
    channel_name: r.channel_name,
    channel_kind: r.channel_kind,
    rule_id: r.rule_id,
    server_id: r.server_id,
    event: r.event,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    title: r.title ?? '',
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    response: r.response,
    created_at: iso(r.created_at)!,
    next_attempt_at: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    finished_at: iso(r.finished_at),
  };
}

const RULE_FIELDS = [
  'name',
  'events',
  'server_scope',
  'server_ids',
  'name_pattern',
  'min_failures',
  'min_duration_seconds',
  'reminder_interval_seconds',
  'send_recovery',
  'channel_ids',
  'enabled',
] as const;

const WINDOW_FIELDS = [
  'name',
  'starts_at',
  'ends_at',
  'recurrence',
  'duration_seconds',
  'server_scope',
  'server_ids',
  'name_pattern',
] as const;

function inputOf<T extends object, K extends keyof T>(view: T, fields: readonly K[]) {
  return Object.fromEntries(fields.map((f) => [f, view[f]]));
}

function ruleView(r: AlertRuleEntity): AlertRuleView {
  return {
    id: r.id,
    name: r.name,
    events: r.events,
    server_scope: r.server_scope,
    server_ids: r.server_ids,
    name_pattern: r.name_pattern,
    min_failures: r.min_failures,
    min_duration_seconds: r.min_duration_seconds,
    reminder_interval_seconds: r.reminder_interval_seconds,
    send_recovery: r.send_recovery,
    channel_ids: r.channel_ids,
    enabled: r.enabled,
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
  };
}

function nextOccurrence(
  row: MaintenanceWindowEntity,
  now: Date,
): { starts_at: string; ends_at: string } | null {
  const next = nextOccurrenceAfter(row, now);
  return next ? { starts_at: next[0].toISOString(), ends_at: next[1].toISOString() } : null;
}

/** Where a channel sends: a stored secret never follows a change of these. */
const DESTINATION = ['url', 'host', 'port', 'security'] as const;

/**
 * "***" keeps a stored secret only while the destination stays: with a new url, host, port or
 * security, every secret must be given again, so a PATCH cannot send the stored SMTP password
 * or Authorization header to a server of its choosing.
 */
function refuseSecretsToNewDestination(
  next: Record<string, unknown>,
  stored: Record<string, unknown>,
): void {
  const moved = DESTINATION.some(
    (k) => k in next && !isKept(next[k]) && JSON.stringify(next[k]) !== JSON.stringify(stored[k]),
  );
  if (!moved) return;
  const kept = Object.entries(next).flatMap(([k, v]) =>
    isKept(v)
      ? [k]
      : k === 'headers' && isRecord(v)
        ? Object.entries(v)
            .filter(([, h]) => isKept(h))
            .map(([h]) => `headers.${h}`)
        : [],
  );
  if (kept.length > 0) {
    throw DomainError.validation(
      kept.map((k) => ({
        field: `config.${k}`,
        message: 'must be given again: the channel now sends somewhere else',
      })),
    );
  }
}

/** A value as the API shows a secret: "***", a chat URL's `origin/***`, a `url?***`. */
function isKept(v: unknown): boolean {
  return (
    v === REDACTED ||
    (typeof v === 'string' && (v.endsWith(`/${REDACTED}`) || v.endsWith(`?${REDACTED}`)))
  );
}

/** "***" values (and a chat URL shown as origin/***) keep what is stored; the rest replaces it. */
function keepRedacted(
  next: Record<string, unknown>,
  stored: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    if (v === REDACTED || (k === 'url' && isKept(v))) {
      out[k] = stored[k];
    } else if (k === 'headers' && isRecord(v) && isRecord(stored.headers)) {
      out[k] = keepRedacted(v, stored.headers);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function found<T>(row: T | null, what: string, id: string): T {
  if (!row) throw new DomainError('ALERT_NOT_FOUND', `no ${what} has id ${id}`);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is no uuid finds nothing (rather than a database error). */
function uuidOr(id: string): string {
  return UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000';
}

async function unique<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError('ALERT_NAME_TAKEN', `name: "${name}" is taken`, [
        { field: 'name', message: `"${name}" is taken` },
      ]);
    }
    throw error;
  }
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !UUID.test(id)) {
    throw DomainError.validation([{ field: 'before', message: 'is not a cursor this API gave' }]);
  }
  return { at, id };
}
