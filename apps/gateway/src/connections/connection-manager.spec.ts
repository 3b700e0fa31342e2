import { RUNTIME_DEFAULTS } from '@omni2/contracts';
import { startHttpMcpServer, type TestMcpServer } from '@omni2/testkit';
import { FakeClock } from '../../test/support/fake-clock';
import { pollUntil } from '../../test/support/poll';
import { AppEnv, parseEnv } from '../config/env.schema';
import { ConnectionManager } from './connection-manager';
import type { ConnectionTarget } from './connection-target';
import { idleLimitMs } from './idle-session-reaper';

const MINUTE = 60_000;

const httpTarget = (id: string, url: string): ConnectionTarget => ({
  id,
  name: id,
  protocol: 'streamable_http',
  url,
  command: null,
  args: [],
  env: {},
  cwd: null,
  headers: {},
});

/** Idle sessions against a real testkit server, with a fake clock for the idle time. */
describe.each(['lean', 'sdk'] as const)('ConnectionManager idle sessions (%s client)', (client) => {
  let server: TestMcpServer;
  let clock: FakeClock;
  let manager: ConnectionManager;
  let target: ConnectionTarget;

  beforeEach(async () => {
    server = await startHttpMcpServer({ protocol: 'streamable_http' });
    clock = new FakeClock();
    manager = new ConnectionManager(
      new AppEnv(parseEnv({ OMNI2_STREAMABLE_HTTP_CLIENT: client })),
      clock,
    );
    target = httpTarget('server-1', server.url);
  });

  afterEach(async () => {
    await manager.onApplicationShutdown();
    await server.stop();
  });

  const ping = () => manager.run(target, 5_000, (s) => s.ping(5_000));

  it('closes a session unused for the limit and ends it on the server', async () => {
    await ping();
    expect(server.sessionCount()).toBe(1);
    clock.t += 5 * MINUTE;
    await expect(manager.closeIdle(5 * MINUTE)).resolves.toBe(0); // not past the limit yet
    clock.t += 1;
    await expect(manager.closeIdle(5 * MINUTE)).resolves.toBe(1);
    expect(manager.has(target.id)).toBe(false);
    await pollUntil(
      () => server.sessionCount(),
      (n) => n === 0,
      { what: 'the server to forget the session' },
    );
    const again = await ping();
    expect(again.opened).toBe(true);
  });

  it('counts every use, and never closes a session while a call is running on it', async () => {
    await ping();
    clock.t += 4 * MINUTE;
    await ping();
    clock.t += 4 * MINUTE;
    await expect(manager.closeIdle(5 * MINUTE)).resolves.toBe(0);

    let finish: (() => void) | null = null;
    const running = manager.run(target, 5_000, () => new Promise<void>((r) => (finish = r)));
    const release = await pollUntil(
      () => finish,
      (f) => f !== null,
      { what: 'the call to start' },
    );
    clock.t += 60 * MINUTE;
    await expect(manager.closeIdle(5 * MINUTE)).resolves.toBe(0);
    release!();
    await running;
    expect(server.sessionCount()).toBe(1);
    clock.t += 5 * MINUTE + 1;
    await expect(manager.closeIdle(5 * MINUTE)).resolves.toBe(1);
  });

  const toolCalls = () => server.calls.filter((c) => c.method === 'tools/call').length;
  const echo = () => manager.run(target, 5_000, (s) => s.callTool('echo', { text: 'x' }, 5_000));

  it('leaves a session to a call that took it while a sweep was under way; the call runs once', async () => {
    await ping();
    clock.t += 6 * MINUTE;
    const [call, closed] = await Promise.all([echo(), manager.closeIdle(5 * MINUTE)]);
    expect(closed).toBe(0);
    expect(call.opened).toBe(false);
    expect(toolCalls()).toBe(1);
    expect(server.sessionCount()).toBe(1);
  });

  it('lets a sweep that came first close the session; the call opens another and runs once', async () => {
    await ping();
    clock.t += 6 * MINUTE;
    const [closed, call] = await Promise.all([manager.closeIdle(5 * MINUTE), echo()]);
    expect(closed).toBe(1);
    expect(call.opened).toBe(true);
    expect(toolCalls()).toBe(1);
  });
});

describe('idleLimitMs', () => {
  it('is three of the slower check intervals, and never under five minutes', () => {
    expect(idleLimitMs(RUNTIME_DEFAULTS.health_check)).toBe(5 * MINUTE);
    expect(
      idleLimitMs({
        ...RUNTIME_DEFAULTS.health_check,
        interval_seconds: 60,
        unhealthy_interval_seconds: 600,
      }),
    ).toBe(30 * MINUTE);
  });
});

/** Issue 13, defect 7: concurrent callers share one connect attempt, its failure included. */
describe('ConnectionManager joining a connect attempt', () => {
  it('gives a caller that joined a failing attempt that failure, without a second attempt', async () => {
    const server = await startHttpMcpServer({
      protocol: 'streamable_http',
      behaviour: { mode: 'hanging' },
    });
    const manager = new ConnectionManager(new AppEnv(parseEnv({})), new FakeClock());
    const target = httpTarget('server-2', server.url);
    try {
      const ping = () => manager.run(target, 300, (s) => s.ping(300));
      const first = ping();
      const joined = ping();
      await expect(first).rejects.toThrow(/timed out/);
      await expect(joined).rejects.toThrow(/timed out/);
      expect(server.calls.filter((c) => c.method === 'server/discover')).toHaveLength(1);
      // A caller with a shorter timeout that joins a longer attempt is answered at its own.
      const long = manager.run(target, 1_500, (s) => s.ping(1_500));
      const short = manager.run(target, 100, (s) => s.ping(100));
      await expect(short).rejects.toThrow(/connect timed out after 100 ms/);
      expect(server.calls.filter((c) => c.method === 'server/discover')).toHaveLength(2);
      await expect(long).rejects.toThrow(/timed out after 1500 ms/);
    } finally {
      await manager.onApplicationShutdown();
      await server.stop();
    }
  });
});
