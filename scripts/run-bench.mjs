// Builds (gateway, libraries and bench/) and runs one benchmark from dist/.
import { execFileSync } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv[2];
if (!file) throw new Error('usage: node scripts/run-bench.mjs bench/<name>.bench.ts');
execFileSync(process.execPath, [join(root, 'scripts/build-gateway.mjs'), '--with-bench'], {
  stdio: 'inherit',
});
execFileSync(process.execPath, [join(root, 'dist', file.replace(/\.ts$/, '.js'))], {
  stdio: 'inherit',
  cwd: root,
});
