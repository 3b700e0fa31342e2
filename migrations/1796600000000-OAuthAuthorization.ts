import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, operator authorization (SPEC §11): a server waiting for an operator shows
 * `auth_required`; authorizations under way are kept until their callback (any replica may
 * receive it) or their expiry; the client omni2 registered with an authorization server
 * (dynamic registration) is kept beside the tokens, sealed.
 */
export class OAuthAuthorization1796600000000 implements MigrationInterface {
  name = 'OAuthAuthorization1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE omni2.mcp_servers
      ADD COLUMN auth_required boolean NOT NULL DEFAULT false,
      DROP CONSTRAINT mcp_servers_health_status_ck,
      ADD CONSTRAINT mcp_servers_health_status_ck CHECK (health_status IN
        ('unknown', 'healthy', 'unhealthy', 'circuit_open', 'disabled', 'auth_required'))`);
    await q.query(`ALTER TABLE omni2.mcp_oauth_tokens ADD COLUMN client text`);
    await q.query(`
      CREATE TABLE omni2.mcp_oauth_authorizations (
        state_hash text PRIMARY KEY,
        server_id uuid NOT NULL REFERENCES omni2.mcp_servers (id) ON DELETE CASCADE,
        pending text NOT NULL,
        requested_by text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX mcp_oauth_authorizations_expires_idx ON omni2.mcp_oauth_authorizations (expires_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE omni2.mcp_oauth_authorizations`);
    await q.query(`ALTER TABLE omni2.mcp_oauth_tokens DROP COLUMN client`);
    await q.query(`UPDATE omni2.mcp_servers SET health_status = 'unknown'
      WHERE health_status = 'auth_required'`);
    await q.query(`ALTER TABLE omni2.mcp_servers
      DROP CONSTRAINT mcp_servers_health_status_ck,
      ADD CONSTRAINT mcp_servers_health_status_ck CHECK (health_status IN
        ('unknown', 'healthy', 'unhealthy', 'circuit_open', 'disabled')),
      DROP COLUMN auth_required`);
  }
}
