import type { DataSource, EntityManager } from 'typeorm';
import type { SecretCodec, SecretField } from './secret-codec';

export interface ResealReport {
  rows: number;
  resealed: number;
  /** Server names whose secrets no configured key opens (left untouched). */
  unreadable: string[];
}

const FIELDS: Extract<SecretField, 'env' | 'auth_config'>[] = ['env', 'auth_config'];

/**
 * Reseals stored secrets with the current key: `stale` = everything not sealed with it (key
 * rotation), `plaintext` = only values from versions before encryption. One transaction, rows
 * locked, so a concurrent edit is neither lost nor half-rotated.
 */
export async function resealSecrets(
  db: DataSource,
  codec: SecretCodec,
  scope: 'stale' | 'plaintext',
): Promise<ResealReport> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<
      { id: string; name: string; env: string | null; auth_config: string | null }[]
    >(
      `SELECT id, name, env, auth_config FROM omni2.mcp_servers
       WHERE env IS NOT NULL OR auth_config IS NOT NULL FOR UPDATE`,
    );
    const report: ResealReport = { rows: rows.length, resealed: 0, unreadable: [] };
    for (const row of rows) {
      const needs = (value: string | null) =>
        value !== null && (scope === 'stale' ? !codec.isCurrent(value) : !codec.isSealed(value));
      if (!FIELDS.some((f) => needs(row[f]))) continue;
      try {
        const next = Object.fromEntries(
          FIELDS.map((f) => [f, needs(row[f]) ? codec.seal(codec.open(row[f], f), f) : row[f]]),
        );
        await tx.query(`UPDATE omni2.mcp_servers SET env = $2, auth_config = $3 WHERE id = $1`, [
          row.id,
          next.env,
          next.auth_config,
        ]);
        report.resealed++;
      } catch {
        report.unreadable.push(row.name);
      }
    }
    await resealOAuth(tx, codec, scope, report);
    await resealChannels(tx, codec, scope, report);
    return report;
  });
}

/**
 * OAuth tokens and the clients omni2 registered (SPEC §11) are sealed like every credential,
 * so they rotate with the key too. A server whose tokens no key opens is reported, untouched.
 */
async function resealOAuth(
  tx: EntityManager,
  codec: SecretCodec,
  scope: 'stale' | 'plaintext',
  report: ResealReport,
): Promise<void> {
  if (scope === 'plaintext') return; // OAuth tokens were sealed from the start.
  const rows = await tx.query<
    { server_id: string; name: string; tokens: string | null; client: string | null }[]
  >(
    `SELECT t.server_id, s.name, t.tokens, t.client
       FROM omni2.mcp_oauth_tokens t JOIN omni2.mcp_servers s ON s.id = t.server_id
      WHERE t.tokens IS NOT NULL OR t.client IS NOT NULL FOR UPDATE OF t`,
  );
  for (const row of rows) {
    const stale = (value: string | null) => value !== null && !codec.isCurrent(value);
    if (!stale(row.tokens) && !stale(row.client)) continue;
    const reseal = (value: string | null) =>
      stale(value) ? codec.seal(codec.open(value, 'oauth_tokens'), 'oauth_tokens') : value;
    try {
      await tx.query(
        `UPDATE omni2.mcp_oauth_tokens SET tokens = $2, client = $3 WHERE server_id = $1`,
        [row.server_id, reseal(row.tokens), reseal(row.client)],
      );
      report.resealed++;
    } catch {
      if (!report.unreadable.includes(row.name)) report.unreadable.push(row.name);
    }
  }
  report.rows += rows.length;
}

/** Alert channel settings (SPEC §12: webhook secrets, SMTP passwords) rotate with the key too. */
async function resealChannels(
  tx: EntityManager,
  codec: SecretCodec,
  scope: 'stale' | 'plaintext',
  report: ResealReport,
): Promise<void> {
  if (scope === 'plaintext') return; // Channels were sealed from the start.
  const rows = await tx.query<{ id: string; name: string; config: string }[]>(
    `SELECT id, name, config FROM omni2.alert_channels FOR UPDATE`,
  );
  for (const row of rows) {
    if (codec.isCurrent(row.config)) continue;
    try {
      const config = codec.seal(codec.open(row.config, 'alert_config'), 'alert_config');
      await tx.query(`UPDATE omni2.alert_channels SET config = $2 WHERE id = $1`, [row.id, config]);
      report.resealed++;
    } catch {
      report.unreadable.push(`channel ${row.name}`);
    }
  }
  report.rows += rows.length;
}
