import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pollUntil } from './poll';
import { freePort } from './processes';

const MAIN = join(resolve(__dirname, '../../../..'), 'dist/apps/gateway/src/main.js');

export interface GatewayProcess {
  api: string;
  proc: ChildProcess;
  /** Graceful stop (SIGTERM), resolving with the exit code. */
  stop(): Promise<number | null>;
  /** A crash: SIGKILL, no cleanup of any kind. */
  kill(): Promise<void>;
}

/** The built gateway (dist/, made by the Jest global setup) as a real process. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await pollUntil(
    () => {
      if (proc.exitCode !== null) throw new Error(`gateway exited with ${proc.exitCode}`);
      return fetch(`${base}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
    },
    (status) => status === 200,
    { timeoutMs: 60_000, intervalMs: 100, what: 'gateway ready' },
  );
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
  return {
    api: `${base}/api/v1`,
    proc,
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
