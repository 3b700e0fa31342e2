import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: OAuth to upstream servers. One row per server holds its tokens, sealed like every
 * credential, and is the lock that makes one replica at a time renew them (SELECT ... FOR
 * UPDATE), so a refresh token is never spent twice.
 */
export class OAuthTokens1796500000000 implements MigrationInterface {
  name = 'OAuthTokens1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE omni2.mcp_servers DROP CONSTRAINT mcp_servers_auth_type_ck`);
    await q.query(`ALTER TABLE omni2.mcp_servers ADD CONSTRAINT mcp_servers_auth_type_ck
      CHECK (auth_type IN ('none', 'bearer', 'api_key', 'basic', 'headers', 'oauth'))`);
    await q.query(`
      CREATE TABLE omni2.mcp_oauth_tokens (
        server_id uuid PRIMARY KEY REFERENCES omni2.mcp_servers (id) ON DELETE CASCADE,
        tokens text,
        expires_at timestamptz,
        renewals integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE omni2.mcp_oauth_tokens`);
    await q.query(`ALTER TABLE omni2.mcp_servers DROP CONSTRAINT mcp_servers_auth_type_ck`);
    await q.query(`ALTER TABLE omni2.mcp_servers ADD CONSTRAINT mcp_servers_auth_type_ck
      CHECK (auth_type IN ('none', 'bearer', 'api_key', 'basic', 'headers'))`);
  }
}
