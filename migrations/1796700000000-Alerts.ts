import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17, alerts and notifications (SPEC §12): channels (config sealed), rules, maintenance
 * windows, the incidents rules track per server (for "after N failures / a duration", reminders
 * and the recovery), and the outbox: a notification is written in the same transaction as the
 * change that caused it, and sent by whichever replica claims it.
 */
export class Alerts1796700000000 implements MigrationInterface {
  name = 'Alerts1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE omni2.alert_channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('webhook', 'slack', 'teams', 'discord', 'email')),
        config text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE omni2.alert_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        events text[] NOT NULL,
        server_scope text NOT NULL DEFAULT 'all' CHECK (server_scope IN ('all', 'list', 'pattern')),
        server_ids uuid[] NOT NULL DEFAULT '{}',
        name_pattern text,
        min_failures integer,
        min_duration_seconds integer NOT NULL DEFAULT 0,
        reminder_interval_seconds integer,
        send_recovery boolean NOT NULL DEFAULT true,
        channel_ids uuid[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE omni2.maintenance_windows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        recurrence text,
        duration_seconds integer,
        server_scope text NOT NULL DEFAULT 'all' CHECK (server_scope IN ('all', 'list', 'pattern')),
        server_ids uuid[] NOT NULL DEFAULT '{}',
        name_pattern text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((recurrence IS NULL AND ends_at IS NOT NULL) OR
               (recurrence IS NOT NULL AND duration_seconds IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE omni2.alert_incidents (
        rule_id uuid NOT NULL REFERENCES omni2.alert_rules (id) ON DELETE CASCADE,
        server_id uuid NOT NULL REFERENCES omni2.mcp_servers (id) ON DELETE CASCADE,
        event text NOT NULL,
        opened_at timestamptz NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        notified_at timestamptz,
        last_reminder_at timestamptz,
        PRIMARY KEY (rule_id, server_id, event)
      )`);
    await q.query(`
      CREATE TABLE omni2.alert_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES omni2.alert_channels (id) ON DELETE CASCADE,
        rule_id uuid REFERENCES omni2.alert_rules (id) ON DELETE SET NULL,
        server_id uuid,
        event text NOT NULL,
        kind text NOT NULL,
        notification jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sent', 'failed', 'held')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_by text,
        claimed_until timestamptz,
        last_status_code integer,
        last_error text,
        response text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX alert_outbox_due_idx ON omni2.alert_outbox (next_attempt_at)
      WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX alert_outbox_channel_idx ON omni2.alert_outbox (channel_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE omni2.alert_outbox`);
    await q.query(`DROP TABLE omni2.alert_incidents`);
    await q.query(`DROP TABLE omni2.maintenance_windows`);
    await q.query(`DROP TABLE omni2.alert_rules`);
    await q.query(`DROP TABLE omni2.alert_channels`);
  }
}
