// Lints an OpenAPI document (JSON file) with Redocly's `recommended` ruleset, the same rules as
// `redocly lint`. Prints one line per problem and a JSON summary line last; exits 1 on any error.
// Used by apps/gateway/test/openapi.e2e-spec.ts (a separate process: @redocly/openapi-core is
// ESM-only, Jest runs CommonJS).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/lint-openapi.mjs <openapi.json>');
  process.exit(2);
}
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({
  source: readFileSync(file, 'utf8'),
  absoluteRef: resolve(file),
  config,
});
for (const p of problems) {
  const where = p.location.map((l) => l.pointer).join(' ');
  console.log(`${p.severity} ${p.ruleId} ${where}: ${p.message}`);
}
const errors = problems.filter((p) => p.severity === 'error').length;
const warnings = problems.filter((p) => p.severity === 'warn').length;
console.log(JSON.stringify({ errors, warnings }));
process.exit(errors > 0 ? 1 : 0);
