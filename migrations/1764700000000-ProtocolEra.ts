import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEDULE = (era: string) => `
  CREATE OR REPLACE FUNCTION omni2.schedule_on_config_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    -- Never backwards: a writer holding a stale copy of the row cannot revive old outcomes.
    NEW.circuit_generation := GREATEST(NEW.circuit_generation, OLD.circuit_generation);
    IF NEW.status = 'inactive' THEN
      NEW.next_check_at := NULL;
      NEW.circuit_generation := GREATEST(NEW.circuit_generation, OLD.circuit_generation + 1);
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
      NEW.circuit_generation := GREATEST(NEW.circuit_generation, OLD.circuit_generation + 1);${era}
    END IF;
    RETURN NEW;
  END $$`;

/**
 * SPEC §10: the protocol era and version a server spoke at its last successful contact, null
 * before it. Changing how omni2 reaches a server (edited anywhere, psql included) forgets them,
 * so the next contact negotiates again.
 */
export class ProtocolEra1764700000000 implements MigrationInterface {
  name = 'ProtocolEra1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE omni2.mcp_servers
        ADD COLUMN protocol_era text,
        ADD COLUMN protocol_version text,
        ADD CONSTRAINT mcp_servers_protocol_era_ck CHECK (protocol_era IN ('modern', 'legacy'))`);
    await q.query(`CREATE INDEX mcp_servers_protocol_era_idx ON omni2.mcp_servers (protocol_era)`);
    await q.query(
      SCHEDULE(`
      IF NEW.protocol_era IS NOT DISTINCT FROM OLD.protocol_era THEN
        NEW.protocol_era := NULL;
        NEW.protocol_version := NULL;
      END IF;`),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SCHEDULE(''));
    await q.query(`
      ALTER TABLE omni2.mcp_servers
        DROP COLUMN protocol_era,
        DROP COLUMN protocol_version`);
  }
}
