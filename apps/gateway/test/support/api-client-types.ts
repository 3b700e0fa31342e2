import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');

/** The committed client types (`@omni2/api-client`), generated from the served document. */
export const API_CLIENT_SCHEMA = join(ROOT, 'libs/api-client/src/schema.d.ts');

export const REGENERATE_HINT = 'npm run api-client:generate';

/** The client types `document` gives (scripts/api-client-types.mjs, as the npm script runs it). */
export function clientTypesFor(document: unknown): string {
  const scratch = mkdtempSync(join(tmpdir(), 'omni2-api-client-'));
  try {
    const file = join(scratch, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/api-client-types.mjs'), file], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`api-client-types failed: ${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function committedClientTypes(): string {
  try {
    return readFileSync(API_CLIENT_SCHEMA, 'utf8');
  } catch {
    return '';
  }
}

export function writeClientTypes(text: string): void {
  writeFileSync(API_CLIENT_SCHEMA, text);
}
