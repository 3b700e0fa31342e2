import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS omni2`);

    // A trigger rather than ORM hooks, so rows edited directly in the database also move
    // updated_at, which is how hot reload notices them.
    await q.query(`
      CREATE FUNCTION omni2.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END $$`);

    await q.query(`
      CREATE TABLE omni2.mcp_servers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text,
        protocol text NOT NULL,
        url text,
        command text,
        args jsonb NOT NULL DEFAULT '[]'::jsonb,
        env text,
        cwd text,
        timeout_seconds integer NOT NULL DEFAULT 30,
        auth_type text NOT NULL DEFAULT 'none',
        auth_config text,
        status text NOT NULL DEFAULT 'active',
        disabled_reason text,
        health_status text NOT NULL DEFAULT 'unknown',
        circuit_state text NOT NULL DEFAULT 'closed',
        consecutive_failures integer NOT NULL DEFAULT 0,
        failure_cycles integer NOT NULL DEFAULT 0,
        last_health_check timestamptz,
        last_success_at timestamptz,
        last_response_time_ms double precision,
        last_error text,
        last_error_kind text,
        last_recovery_attempt timestamptz,
        next_check_at timestamptz,
        total_downtime_seconds bigint NOT NULL DEFAULT 0,
        error_count integer NOT NULL DEFAULT 0,
        capability_counts jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mcp_servers_name_uq UNIQUE (name),
        CONSTRAINT mcp_servers_name_ck CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
        CONSTRAINT mcp_servers_protocol_ck CHECK (protocol IN ('streamable_http', 'sse', 'stdio')),
        CONSTRAINT mcp_servers_transport_ck CHECK (
          (protocol = 'stdio' AND command IS NOT NULL) OR (protocol <> 'stdio' AND url IS NOT NULL)),
        CONSTRAINT mcp_servers_auth_type_ck CHECK (auth_type IN ('none', 'bearer', 'api_key', 'basic', 'headers')),
        CONSTRAINT mcp_servers_status_ck CHECK (status IN ('active', 'inactive')),
        CONSTRAINT mcp_servers_disabled_reason_ck CHECK (disabled_reason IS NULL OR disabled_reason IN ('manual', 'auto')),
        CONSTRAINT mcp_servers_health_status_ck CHECK (health_status IN ('unknown', 'healthy', 'unhealthy', 'circuit_open', 'disabled')),
        CONSTRAINT mcp_servers_circuit_state_ck CHECK (circuit_state IN ('closed', 'open', 'half_open')),
        CONSTRAINT mcp_servers_timeout_ck CHECK (timeout_seconds BETWEEN 1 AND 3600)
      )`);
    await q.query(
      `CREATE INDEX mcp_servers_due_idx ON omni2.mcp_servers (next_check_at) WHERE status = 'active'`,
    );
    await q.query(`CREATE INDEX mcp_servers_updated_at_idx ON omni2.mcp_servers (updated_at)`);
    await q.query(`
      CREATE TRIGGER mcp_servers_touch BEFORE UPDATE ON omni2.mcp_servers
      FOR EACH ROW EXECUTE FUNCTION omni2.touch_updated_at()`);

    await q.query(`
      CREATE TABLE omni2.omni2_config (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TRIGGER omni2_config_touch BEFORE UPDATE ON omni2.omni2_config
      FOR EACH ROW EXECUTE FUNCTION omni2.touch_updated_at()`);
    await q.query(`
      INSERT INTO omni2.omni2_config (key, value) VALUES
        ('health_check', '{"interval_seconds":60,"unhealthy_interval_seconds":30,"timeout_seconds":10,"concurrency":50}'),
        ('circuit_breaker', '{"enabled":true,"failure_threshold":5,"timeout_seconds":60,"backoff_multiplier":2,"max_timeout_seconds":600,"half_open_max_calls":3,"max_failure_cycles":3,"auto_disable_enabled":true,"disable_after_minutes":30}'),
        ('logging', '{"level":"info","component_names":[]}')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE omni2.omni2_config`);
    await q.query(`DROP TABLE omni2.mcp_servers`);
    await q.query(`DROP FUNCTION omni2.touch_updated_at()`);
  }
}
