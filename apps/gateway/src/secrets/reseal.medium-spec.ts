import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { TEST_ENCRYPTION_KEY } from '../../test/support/secrets';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { EncryptionKeyring, parseEncryptionKey } from '../common/encryption-key';
import { resealSecrets } from './reseal';
import { SecretCodec } from './secret-codec';

const OLD = parseEncryptionKey(TEST_ENCRYPTION_KEY);
const NEW = parseEncryptionKey('c'.repeat(64));

/** Key rotation reaches OAuth tokens, registered clients (SPEC §11) and alert channels (§12). */
describe('resealSecrets with OAuth tokens (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
  });

  afterAll(async () => {
    await pool?.destroy();
    await db?.drop();
  });

  it('reseals tokens and client with the new key, and reports what no key opens', async () => {
    const old = new SecretCodec(new EncryptionKeyring(OLD));
    const tokens = { access_token: 'at-1', refresh_token: 'rt-1', obtained_at: 1, expires_at: 2 };
    const client = { client_id: 'dcr-1', client_secret: 's-1' };
    const [{ id }] = await pool.query<{ id: string }[]>(
      `INSERT INTO omni2.mcp_servers (name, protocol, url, auth_type)
       VALUES ('tokens', 'streamable_http', 'http://127.0.0.1:9/mcp', 'oauth') RETURNING id`,
    );
    await pool.query(
      `INSERT INTO omni2.mcp_oauth_tokens (server_id, tokens, client) VALUES ($1, $2, $3)`,
      [id, old.seal(tokens, 'oauth_tokens'), old.seal(client, 'oauth_tokens')],
    );

    await pool.query(
      `INSERT INTO omni2.alert_channels (name, kind, config) VALUES ('ops', 'webhook', $1)`,
      [old.seal({ url: 'http://127.0.0.1:9/h', secret: 'hook-secret-0123456789' }, 'alert_config')],
    );
    const blind = await resealSecrets(pool, new SecretCodec(new EncryptionKeyring(NEW)), 'stale');
    expect(blind.unreadable).toEqual(['tokens', 'channel ops']);

    const rotating = new SecretCodec(new EncryptionKeyring(NEW, [OLD]));
    const report = await resealSecrets(pool, rotating, 'stale');
    expect(report).toMatchObject({ resealed: 2, unreadable: [] });
    const [row] = await pool.query<{ tokens: string; client: string }[]>(
      `SELECT tokens, client FROM omni2.mcp_oauth_tokens WHERE server_id = $1`,
      [id],
    );
    const only = new SecretCodec(new EncryptionKeyring(NEW));
    expect(only.open(row.tokens, 'oauth_tokens')).toEqual(tokens);
    expect(only.open(row.client, 'oauth_tokens')).toEqual(client);
    const [channel] = await pool.query<{ config: string }[]>(
      `SELECT config FROM omni2.alert_channels WHERE name = 'ops'`,
    );
    expect(only.open(channel.config, 'alert_config')).toMatchObject({
      url: 'http://127.0.0.1:9/h',
    });
    expect((await resealSecrets(pool, rotating, 'stale')).resealed).toBe(0);
  });
});
