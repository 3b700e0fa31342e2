import type { MigrationInterface, QueryRunner } from 'typeorm';

const SCHEDULE = (bump: string, floor: string) => `
  CREATE OR REPLACE FUNCTION omni2.schedule_on_config_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN${floor}
    IF NEW.status = 'inactive' THEN
      NEW.next_check_at := NULL;${bump}
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
      NEW.next_check_at := now();${bump}
    END IF;
    RETURN NEW;
  END $$`;

/**
 * `circuit_generation` counts the breaker's epochs: it moves when the circuit opens or closes,
 * the server is disabled or enabled, or its connection settings change. A check or tool call
 * carries the generation it was admitted under, and its outcome moves the breaker only if the
 * generation is still the same, so calls in flight when the circuit opened cannot open a new
 * failure cycle. The trigger moves it for edits made anywhere, psql included, and never lets it
 * go backwards.
 */
export class BreakerGeneration1764600000000 implements MigrationInterface {
  name = 'BreakerGeneration1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE omni2.mcp_servers ADD COLUMN circuit_generation integer NOT NULL DEFAULT 0`,
    );
    await q.query(
      SCHEDULE(
        `
      NEW.circuit_generation := GREATEST(NEW.circuit_generation, OLD.circuit_generation + 1);`,
        `
    -- Never backwards: a writer holding a stale copy of the row cannot revive old outcomes.
    NEW.circuit_generation := GREATEST(NEW.circuit_generation, OLD.circuit_generation);`,
      ),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(SCHEDULE('', ''));
    await q.query(`ALTER TABLE omni2.mcp_servers DROP COLUMN circuit_generation`);
  }
}
