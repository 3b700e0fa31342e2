import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { pollUntil } from './poll';
import { freePort } from './processes';

export interface PrivateRedis {
  url: string;
  /** SIGKILL: an outage, not a shutdown. */
  kill(): Promise<void>;
  /** Starts again on the same port (empty: no persistence, like the machine's Redis). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real redis-server of the test's own, on a free port: for tests that take Redis down, which
 * must not disturb the machine's shared instance.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await pollUntil(
      () => accepts(port),
      (up) => up,
      { timeoutMs: 10_000, what: 'redis-server listening' },
    );
  };
  const kill = async () => {
    const running = proc;
    proc = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((done) => running.once('exit', done));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, kill, restart: start, stop: kill };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
