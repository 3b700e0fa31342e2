// `npm test`: every test tier. Jest (unit, medium, e2e and browser projects) with the arguments
// given, then the console's unit tests (Angular's `ng test`, on Vitest). Both always run; the
// exit code is non-zero when either fails. With `--json --outputFile=FILE` (what .ci/run
// passes), the console's counts are added to Jest's report, so FILE covers every test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outputArg = args.find((a) => a.startsWith('--outputFile='));
const jestReport = outputArg ? resolve(outputArg.slice('--outputFile='.length)) : null;

const run = (script, scriptArgs) =>
  spawnSync(process.execPath, [join(root, script), ...scriptArgs], { cwd: root, stdio: 'inherit' })
    .status ?? 1;

console.log('== jest: unit, medium, e2e, browser');
const jestStatus = run('node_modules/jest/bin/jest.js', args);

console.log('\n== console unit tests (ng test, Vitest)');
const scratch = mkdtempSync(join(tmpdir(), 'omni2-ng-test-'));
const consoleReport = join(scratch, 'vitest.json');
const ngStatus = run('node_modules/@angular/cli/bin/ng.js', [
  'test',
  '--no-watch',
  '--reporters=default',
  '--reporters=json',
  `--output-file=${consoleReport}`,
]);

let consoleCounts = null;
try {
  consoleCounts = JSON.parse(readFileSync(consoleReport, 'utf8'));
} catch {
  console.error('test-all: the console test report is missing (did the build fail?)');
}
rmSync(scratch, { recursive: true, force: true });

if (jestReport) {
  try {
    const report = JSON.parse(readFileSync(jestReport, 'utf8'));
    for (const key of [
      'numTotalTests',
      'numPassedTests',
      'numFailedTests',
      'numPendingTests',
      'numTodoTests',
      'numTotalTestSuites',
      'numPassedTestSuites',
      'numFailedTestSuites',
    ]) {
      report[key] = (report[key] ?? 0) + (consoleCounts?.[key] ?? 0);
    }
    report.testResults = [...(report.testResults ?? []), ...(consoleCounts?.testResults ?? [])];
    report.success = report.success && ngStatus === 0 && consoleCounts !== null;
    writeFileSync(jestReport, JSON.stringify(report));
  } catch (error) {
    console.error(`test-all: could not merge the console counts into ${jestReport}: ${error}`);
  }
}

const c = consoleCounts;
console.log(
  `\ntest-all: jest ${jestStatus === 0 ? 'passed' : 'FAILED'}; console ` +
    (c ? `${c.numPassedTests} passed, ${c.numFailedTests} failed` : 'did not report') +
    (ngStatus === 0 ? '' : ' (FAILED)'),
);
process.exit(jestStatus !== 0 || ngStatus !== 0 || c === null ? 1 : 0);
