// Builds dist/ once per Jest run, before any worker starts: suites that run the gateway as a
// real process use it, and building from several workers at once would race on dist/.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const root = join(__dirname, '../../..');
  execFileSync(process.execPath, [join(root, 'scripts/build-gateway.mjs')], {
    cwd: root,
    stdio: 'ignore',
  });
};
