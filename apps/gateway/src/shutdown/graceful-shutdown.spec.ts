import { GracefulShutdown, type ShutdownLog } from './graceful-shutdown';

const quiet: ShutdownLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function harness(options: { drainMs?: number; timeoutMs?: number; close?: () => Promise<void> }) {
  const order: string[] = [];
  let exited: (code: number) => void = () => undefined;
  const exit = new Promise<number>((done) => (exited = done));
  const shutdown = new GracefulShutdown(
    () => ({
      drain: () => {
        order.push('drain');
        return Promise.resolve();
      },
      close: async () => {
        order.push('close');
        await options.close?.();
        order.push('closed');
      },
    }),
    {
      drainMs: options.drainMs ?? 0,
      timeoutMs: options.timeoutMs ?? 10_000,
      log: quiet,
      exit: (code) => {
        order.push(`exit ${code}`);
        exited(code);
      },
    },
  );
  return { shutdown, order, exit };
}

describe('GracefulShutdown', () => {
  it('drains, waits the drain time, closes, then exits 0', async () => {
    const { shutdown, order, exit } = harness({ drainMs: 50 });
    const started = Date.now();
    void shutdown.onSignal('SIGTERM');
    expect(await exit).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(order).toEqual(['drain', 'close', 'closed', 'exit 0']);
  });

  it('exits at once with 128 + signal number on a second signal', async () => {
    let release: () => void = () => undefined;
    const { shutdown, order, exit } = harness({
      close: () => new Promise<void>((done) => (release = done)),
    });
    void shutdown.onSignal('SIGTERM');
    await new Promise((done) => setImmediate(done));
    void shutdown.onSignal('SIGTERM');
    expect(await exit).toBe(143);
    expect(order).toEqual(['drain', 'close', 'exit 143']);
    release();
  });

  it('exits 1 when the shutdown outlives its deadline', async () => {
    const { shutdown, order, exit } = harness({
      timeoutMs: 50,
      close: () => new Promise<void>(() => undefined),
    });
    void shutdown.onSignal('SIGINT');
    expect(await exit).toBe(1);
    expect(order).toEqual(['drain', 'close', 'exit 1']);
  });
});
