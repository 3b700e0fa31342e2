import { readFileSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '../..');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

export const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh empty database on the machine's PostgreSQL; the gateway migrates it at start. */
export async function benchDatabase(): Promise<BenchDatabase> {
  const name = `omni2_bench_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface GatewayProcess {
  api: string;
  proc: ChildProcess;
  /** `Authorization` header of the bootstrap admin, for every API call the bench makes. */
  auth: Record<string, string>;
  stop(): Promise<void>;
}

/** Fixed instance settings, so every gateway process of one run shares keys and admin. */
export const BENCH_ENV = {
  JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
  OMNI2_ENCRYPTION_KEY: 'c'.repeat(64),
  OMNI2_ADMIN_USER: 'admin',
  OMNI2_ADMIN_PASSWORD: 'bench-admin-password',
};

/** The node flags of `npm run start:prod` (heap sizing), so the bench runs what production runs. */
function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return pkg.scripts['start:prod'].split(/\s+/).filter((arg) => arg.startsWith('--'));
}

/** The built gateway (dist/) as its own process, like production. */
export async function startGateway(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  // GATEWAY_NODE_ARGS lets a profiling run pass flags such as --cpu-prof to the gateway alone.
  const nodeArgs = [
    ...productionNodeFlags(),
    ...(process.env.GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  ];
  const proc = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/apps/gateway/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      ...BENCH_ENV,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`${base}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error('gateway did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await postJson(`${base}/api/v1/auth/login`, {
    username: BENCH_ENV.OMNI2_ADMIN_USER,
    password: BENCH_ENV.OMNI2_ADMIN_PASSWORD,
  });
  if (login.status !== 200) throw new Error(`bench login failed: ${JSON.stringify(login.json)}`);
  const auth = { authorization: `Bearer ${login.json.access_token as string}` };
  // Benchmarks call tools far faster than the default per-caller limit allows.
  const limits = await putJson(
    `${base}/api/v1/config/rate_limits`,
    {
      login_attempts_per_minute: 1_000,
      login_lockout_threshold: 5,
      login_lockout_seconds: 30,
      login_lockout_max_seconds: 900,
      tool_executions_per_minute: 1_000_000,
    },
    auth,
  );
  if (limits.status !== 200) throw new Error(`bench limits: ${JSON.stringify(limits.json)}`);
  return {
    api: `${base}/api/v1`,
    proc,
    auth,
    stop: () =>
      new Promise<void>((done) => {
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}

export interface UpstreamProcess {
  url: string;
  pid: number;
  /** Requests the upstream has served so far, by MCP method. */
  calls(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * Starts bench/upstream-process.js and reads the URL it prints. `era: 'modern'` serves the
 * 2026-07-28 revision only (Streamable HTTP); the default, the 2025 revisions.
 */
export async function startUpstreamProcess(
  protocol = 'streamable_http',
  era: 'legacy' | 'modern' = 'legacy',
): Promise<UpstreamProcess> {
  // UPSTREAM_NODE_ARGS, like GATEWAY_NODE_ARGS, lets a profiling run pass flags to it alone.
  const nodeArgs = (process.env.UPSTREAM_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const script = join(__dirname, 'upstream-process.js');
  const proc = spawn(process.execPath, [...nodeArgs, script, protocol, era], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout });
  const url = await new Promise<string>((resolveUrl, reject) => {
    lines.once('line', (line) => resolveUrl(line.trim()));
    proc.once('exit', (code) => reject(new Error(`upstream exited with ${code}`)));
  });
  return {
    url,
    pid: proc.pid!,
    calls: () =>
      new Promise((done) => {
        const onLine = (line: string) => {
          if (!line.startsWith('calls ')) return;
          lines.off('line', onLine);
          done(JSON.parse(line.slice('calls '.length)) as Record<string, number>);
        };
        lines.on('line', onLine);
        proc.kill('SIGUSR2');
      }),
    stop: () =>
      new Promise<void>((done) => {
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

/** GET with the same keep-alive agent; resolves with the body text. */
export function getText(url: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(Buffer.concat(chunks).toString()));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** POST with a keep-alive node:http agent: a lean client, so figures show the server's cost. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  return sendJson('POST', url, body, headers);
}

export function putJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  return sendJson('PUT', url, body, headers);
}

function sendJson(
  method: string,
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; json: any }> {
  const payload = JSON.stringify(body);
  return new Promise((done, fail) => {
    const req = httpRequest(
      url,
      {
        method,
        agent: keepAlive,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          done({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        });
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

/**
 * Open-loop load: one GET every 1000/rate ms whatever the server's pace (a closed loop would
 * slow down with the server and hide queueing), over keep-alive sockets. Each latency runs from
 * the scheduled send to the last byte, so time spent waiting behind the server counts.
 */
export async function openLoopGet(
  url: string,
  {
    rate,
    seconds,
    headers = {},
  }: { rate: number; seconds: number; headers?: Record<string, string> },
): Promise<{ latencies: number[]; errors: number; achievedRate: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      new Promise<void>((done) => {
        // Timers fire up to a millisecond early (libuv's cached loop time), so measuring from `due`
        // alone undercounted, even below zero; measuring from a late send instead of `due` would
        // hide queueing (coordinated omission). Hence the earlier of the two.
        const sent = Math.min(due, performance.now());
        const req = httpRequest(url, { agent, headers }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - sent);
            else errors++;
            done();
          });
        });
        req.on('error', () => {
          errors++;
          done();
        });
        req.end();
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, errors, achievedRate: latencies.length / elapsed };
}

/** Busy and total CPU time of the whole machine (all cores), in seconds, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + fields[4]; // idle + iowait
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds (user + system) a process has used, from /proc: steadier than wall time. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}
