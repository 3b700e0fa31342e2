// Node 20 has no fs.globSync, which the conformance suite imports (only its tier-check command
// calls it). Registered with `node --import`, this serves the suite a `fs` that re-exports
// node:fs plus a stub, so the client scenarios run on this machine's Node 20.
import { register } from 'node:module';

const hooks = `
const SHIM = 'data:text/javascript,' + encodeURIComponent(
  "export * from 'node:fs'; import fs from 'node:fs'; export default fs;" +
  "export function globSync() { throw new Error('fs.globSync is not available on Node 20'); }"
);
export async function resolve(specifier, context, next) {
  if (specifier === 'fs' && context.parentURL && context.parentURL.includes('/@modelcontextprotocol/conformance/')) {
    return { url: SHIM, shortCircuit: true };
  }
  return next(specifier, context);
}
`;
register('data:text/javascript,' + encodeURIComponent(hooks), import.meta.url);
