import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { envSchema } from '../src/config/env.schema';

const ROOT = resolve(__dirname, '../../..');
const DOCKER = join(ROOT, 'docker');
const SPEC_ENV = [
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'OMNI2_ENCRYPTION_KEY',
  'JWT_SECRET',
  'OMNI2_ADMIN_USER',
  'OMNI2_ADMIN_PASSWORD',
  'OMNI2_STDIO_ALLOWLIST',
];
const KNOWN_ENV = new Set(Object.keys(envSchema.shape));

function validate(dir: string) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/validate-deploy.mjs'), dir], {
    encoding: 'utf8',
  });
}

function manifest(file: string): any {
  return parse(readFileSync(join(DOCKER, 'k8s', file), 'utf8'));
}

function envFileKeys(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(l)?.[1])
    .filter((k): k is string => k !== undefined);
}

describe('deployment files', () => {
  it('validate against the Kubernetes and compose-spec schemas', () => {
    const run = validate(DOCKER);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/Deployment\/omni2.*Service\/omni2/);
  });

  describe('the validator', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'omni2-deploy-'));
      cpSync(DOCKER, copy, { recursive: true });
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('refuses a manifest that breaks the schema or whose selector matches nothing', () => {
      const file = join(copy, 'k8s/deployment.yaml');
      const broken = readFileSync(file, 'utf8')
        .replace('replicas: 3', 'replicas: three')
        .replace('containerPort: 3000', 'containerPort: http');
      writeFileSync(file, broken);
      const service = join(copy, 'k8s/service.yaml');
      writeFileSync(
        service,
        readFileSync(service, 'utf8').replace('name: omni2\n  ports', 'name: other\n  ports'),
      );
      const run = validate(copy);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /deployment\.yaml: Deployment omni2: .*\/spec\/replicas must be integer/,
      );
      expect(run.stderr).toMatch(/containerPort must be integer/);
      expect(run.stderr).toMatch(/Service omni2: selector matches no Deployment's pods/);
    });

    it('refuses an unknown kind and a compose file with an unknown key', () => {
      writeFileSync(
        join(copy, 'k8s/extra.yaml'),
        'apiVersion: v1\nkind: Widget\nmetadata:\n  name: w\n',
      );
      const compose = join(copy, 'compose.yaml');
      writeFileSync(compose, readFileSync(compose, 'utf8').replace('depends_on:', 'depends_onn:'));
      const run = validate(copy);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/extra\.yaml: Widget w: no schema for v1 Widget/);
      expect(run.stderr).toMatch(
        /compose\.yaml: \/services\/gateway must NOT have additional properties \(depends_onn\)/,
      );
    });
  });

  it('run three replicas with probes on /health/live and /health/ready', () => {
    const deployment = manifest('deployment.yaml');
    expect(deployment.spec.replicas).toBe(3);
    const [container] = deployment.spec.template.spec.containers;
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(manifest('pdb.yaml').spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });

  it('give the shutdown more time than its own bound, the drain included', () => {
    const config = manifest('configmap.yaml').data;
    const grace = manifest('deployment.yaml').spec.template.spec.terminationGracePeriodSeconds;
    const timeoutMs = Number(config.OMNI2_SHUTDOWN_TIMEOUT_MS);
    expect(Number(config.OMNI2_SHUTDOWN_DRAIN_MS)).toBeLessThan(timeoutMs);
    expect(grace * 1_000).toBeGreaterThanOrEqual(timeoutMs + 5_000);
    const compose = parse(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8'));
    expect(parseInt(compose.services.gateway.stop_grace_period, 10) * 1_000).toBeGreaterThan(
      Number(compose.services.gateway.environment.OMNI2_SHUTDOWN_TIMEOUT_MS),
    );
  });

  it('set every SPEC §8 variable, and only variables the gateway knows', () => {
    const k8s = [
      ...Object.keys(manifest('configmap.yaml').data),
      ...Object.keys(manifest('secret.yaml').stringData),
    ];
    const compose = parse(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8')).services.gateway;
    const composeKeys = [
      ...Object.keys(compose.environment),
      ...envFileKeys(join(DOCKER, 'omni2.env.example')),
    ];
    for (const [label, keys] of [
      ['kubernetes', k8s],
      ['compose', composeKeys],
      ['.env.example', envFileKeys(join(ROOT, '.env.example'))],
    ] as const) {
      expect([label, keys.filter((k) => !KNOWN_ENV.has(k))]).toEqual([label, []]);
      if (label !== '.env.example') {
        expect([label, SPEC_ENV.filter((k) => !keys.includes(k))]).toEqual([label, []]);
      }
    }
  });

  it('build an image that runs the build output as a non-root user with a health check', () => {
    const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
    const cmd = /^CMD \["node", "([^"]+)"\]$/m.exec(dockerfile)?.[1];
    expect(cmd).toBe('dist/apps/gateway/src/main.js');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const startProd = pkg.scripts['start:prod'];
    expect(startProd).toMatch(new RegExp(`^node (--\\S+ )*${cmd}$`));
    // The image runs with the heap flags of `npm run start:prod`, through NODE_OPTIONS.
    const flags = startProd.split(' ').filter((arg) => arg.startsWith('--'));
    expect(flags.length).toBeGreaterThan(0);
    expect(/NODE_OPTIONS=(\S+)/.exec(dockerfile)?.[1]).toBe(flags.join(' '));
    expect(parseAllDocuments(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8'))).toHaveLength(1);
  });
});
