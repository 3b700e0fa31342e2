// Compiles the gateway and the libraries it imports with swc (about a second, where tsc takes
// many), rewriting the @omni2/* aliases to relative paths. Type checking is `npm run typecheck`.
import { transformFile } from '@swc/core';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist');
const sources = ['apps/gateway/src', 'libs/contracts/src', 'libs/testkit/src', 'migrations'];
if (process.argv.includes('--with-bench')) sources.push('bench');
const isTest = (f) => /\.(spec|medium-spec|e2e-spec)\.ts$/.test(f);

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTest(entry.name))
      yield full;
  }
}

const options = (file) => ({
  filename: file,
  sourceMaps: true,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    baseUrl: root,
    paths: {
      '@omni2/contracts': ['libs/contracts/src/index.ts'],
      '@omni2/testkit': ['libs/testkit/src/index.ts'],
    },
  },
  module: { type: 'commonjs' },
});

// Only what this script writes: dist/console (the Angular build) survives a gateway rebuild.
for (const dir of ['apps', 'libs', 'migrations', 'bench']) {
  await rm(join(outDir, dir), { recursive: true, force: true });
}
let count = 0;
for (const dir of sources.filter((d) => existsSync(join(root, d)))) {
  for await (const file of walk(join(root, dir))) {
    const { code, map } = await transformFile(file, options(file));
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
    count++;
  }
}
console.log(`built ${count} files into ${relative(process.cwd(), outDir) || '.'}`);
