import type { DataSource } from 'typeorm';
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
    return report;
  });
}
