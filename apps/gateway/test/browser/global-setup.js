// Browser tests drive the built console: build it once per run when the sources are newer
// than dist/console (npm run build already did it in CI, so this is usually a no-op).
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '../../../..');
const index = join(root, 'dist/console/browser/index.html');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

module.exports = async function buildConsoleIfStale() {
  const sources = Math.max(
    newest(join(root, 'apps/console')),
    newest(join(root, 'libs/contracts/src')),
    statSync(join(root, 'angular.json')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(root, 'node_modules/@angular/cli/bin/ng.js'), 'build'], {
    cwd: root,
    stdio: 'ignore',
  });
};
