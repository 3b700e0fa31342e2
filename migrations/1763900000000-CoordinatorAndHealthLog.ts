import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CoordinatorAndHealthLog1763900000000 implements MigrationInterface {
  name = 'CoordinatorAndHealthLog1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE omni2.mcp_servers
        ADD COLUMN consecutive_successes integer NOT NULL DEFAULT 0,
        ADD COLUMN circuit_opened_at timestamptz,
        ADD COLUMN open_until timestamptz,
        ADD COLUMN down_since timestamptz,
        ADD COLUMN claimed_by text,
        ADD COLUMN claimed_at timestamptz`);

    // The database itself schedules a check when connection settings change or a server is
    // enabled, whoever made the change: the API, a script, or someone in psql (hot reload).
    await q.query(`
      CREATE FUNCTION omni2.schedule_on_config_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'inactive' THEN
          NEW.next_check_at := NULL;
        ELSIF OLD.status = 'inactive'
           OR NEW.protocol IS DISTINCT FROM OLD.protocol
           OR NEW.url IS DISTINCT FROM OLD.url
           OR NEW.command IS DISTINCT FROM OLD.command
           OR NEW.args IS DISTINCT FROM OLD.args
           OR NEW.env IS DISTINCT FROM OLD.env
           OR NEW.cwd IS DISTINCT FROM OLD.cwd
           OR NEW.auth_type IS DISTINCT FROM OLD.auth_type
           OR NEW.auth_config IS DISTINCT FROM OLD.auth_config
           OR NEW.timeout_seconds IS DISTINCT FROM OLD.timeout_seconds THEN
          NEW.next_check_at := now();
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER mcp_servers_schedule BEFORE UPDATE ON omni2.mcp_servers
      FOR EACH ROW EXECUTE FUNCTION omni2.schedule_on_config_change()`);

    await q.query(`
      CREATE TABLE omni2.mcp_health_log (
        id bigserial PRIMARY KEY,
        server_id uuid NOT NULL REFERENCES omni2.mcp_servers (id) ON DELETE CASCADE,
        event_type text NOT NULL,
        status text NOT NULL,
        response_time_ms double precision,
        error_message text,
        error_kind text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mcp_health_log_event_type_ck CHECK (event_type IN ('health_check', 'connected',
          'disconnected', 'recovery_attempt', 'recovery_success', 'circuit_opened', 'circuit_closed',
          'manually_disabled', 'manually_enabled', 'auto_disabled'))
      )`);
    await q.query(
      `CREATE INDEX mcp_health_log_server_created_idx ON omni2.mcp_health_log (server_id, created_at)`,
    );
    await q.query(`CREATE INDEX mcp_health_log_created_idx ON omni2.mcp_health_log (created_at)`);

    await q.query(`
      INSERT INTO omni2.omni2_config (key, value) VALUES
        ('health_log', '{"retention_days":30}'),
        ('alerts', '{"critical_failure_count":5,"critical_window_seconds":60}')
      ON CONFLICT (key) DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM omni2.omni2_config WHERE key IN ('health_log', 'alerts')`);
    await q.query(`DROP TABLE omni2.mcp_health_log`);
    await q.query(`DROP TRIGGER mcp_servers_schedule ON omni2.mcp_servers`);
    await q.query(`DROP FUNCTION omni2.schedule_on_config_change()`);
    await q.query(`
      ALTER TABLE omni2.mcp_servers
        DROP COLUMN consecutive_successes, DROP COLUMN circuit_opened_at, DROP COLUMN open_until,
        DROP COLUMN down_since, DROP COLUMN claimed_by, DROP COLUMN claimed_at`);
  }
}
