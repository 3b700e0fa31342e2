import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
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
  stop(): Promise<void>;
}

/** The built gateway (dist/) as its own process, like production. */
export async function startGateway(databaseUrl: string): Promise<GatewayProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(ROOT, 'dist/apps/gateway/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
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
  return {
    api: `${base}/api/v1`,
    proc,
    stop: () =>
      new Promise<void>((done) => {
        proc.once('exit', () => done());
        proc.kill('SIGTERM');
      }),
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}
