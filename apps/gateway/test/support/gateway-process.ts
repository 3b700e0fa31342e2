import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pollUntil } from './poll';
import { freePort } from './processes';
import { callApi, loginAt, type ApiResponse } from './test-app';

const MAIN = join(resolve(__dirname, '../../../..'), 'dist/apps/gateway/src/main.js');

export interface GatewayProcess {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** `<base>/api/v1` */
  api: string;
  proc: ChildProcess;
  /** Everything the process printed on stdout so far (the generated admin password, once). */
  stdout(): string;
  login(username: string, password: string): Promise<string>;
  /** A JSON call to `/api/v1<path>` with the token. */
  call<T = any>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>>;
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
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
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
    base,
    api: `${base}/api/v1`,
    proc,
    stdout: () => out,
    login: (username, password) => loginAt(base, username, password),
    call: (token, method, path, body) => callApi(base, method, `/api/v1${path}`, body, token),
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
