import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Security1764200000000 implements MigrationInterface {
  name = 'Security1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE omni2.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        -- Tokens issued before this instant are refused (password change, disable).
        tokens_valid_after timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_role_ck CHECK (role IN ('admin', 'operator', 'viewer'))
      )`);
    // Case-insensitive uniqueness: "Admin" and "admin" are the same person.
    await q.query(`CREATE UNIQUE INDEX users_username_uq ON omni2.users (lower(username))`);
    await q.query(`
      CREATE TRIGGER users_touch BEFORE UPDATE ON omni2.users
      FOR EACH ROW EXECUTE FUNCTION omni2.touch_updated_at()`);

    await q.query(`
      CREATE TABLE omni2.api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        created_by uuid REFERENCES omni2.users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT api_keys_role_ck CHECK (role IN ('admin', 'operator', 'viewer')),
        CONSTRAINT api_keys_hash_uq UNIQUE (key_hash)
      )`);

    // Failed logins per user name and per client address, shared by every replica.
    await q.query(`
      CREATE TABLE omni2.login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0,
        window_started_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE omni2.audit_log (
        id bigserial PRIMARY KEY,
        actor text NOT NULL,
        actor_kind text NOT NULL,
        actor_id uuid,
        action text NOT NULL,
        target_type text,
        target_id text,
        target_name text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_log_actor_kind_ck CHECK (actor_kind IN ('user', 'api_key', 'system'))
      )`);
    await q.query(`CREATE INDEX audit_log_created_idx ON omni2.audit_log (created_at, id)`);
    await q.query(`
      INSERT INTO omni2.omni2_config (key, value) VALUES
        ('rate_limits', '{"login_attempts_per_minute":20,"login_lockout_threshold":5,"login_lockout_seconds":30,"login_lockout_max_seconds":900,"tool_executions_per_minute":300}')
      ON CONFLICT (key) DO NOTHING`);
    await q.query(
      `CREATE INDEX audit_log_target_idx ON omni2.audit_log (target_type, target_id, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM omni2.omni2_config WHERE key = 'rate_limits'`);
    await q.query(`DROP TABLE omni2.audit_log`);
    await q.query(`DROP TABLE omni2.login_throttle`);
    await q.query(`DROP TABLE omni2.api_keys`);
    await q.query(`DROP TABLE omni2.users`);
  }
}
