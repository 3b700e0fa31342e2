import { pollUntil } from './support/poll';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { TEST_ADMIN, callApi, testEnv, type ApiResponse } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { startUpstream, type Upstream } from './support/upstreams';

interface Line {
  level: number;
  component?: string;
  req_id?: string;
  msg?: string;
}

const DEBUG = 20;

/** JSON log lines of a real gateway process, read from what it printed. */
describe('logs of a gateway process: request ids and live settings (e2e)', () => {
  let db: TestDatabase;
  let upstream: Upstream;
  let g: GatewayProcess;
  let token: string;

  const lines = (): Line[] =>
    g
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
  const of = (reqId: string) => lines().filter((l) => l.req_id === reqId);
  const call = (method: string, path: string, reqId: string, body?: unknown) =>
    callApi<any>(g.base, method, `/api/v1${path}`, body, token, { 'x-request-id': reqId });
  const expectOk = (res: ApiResponse) => expect([res.status, res.text]).toEqual([200, res.text]);
  /** Lines are written in order: once `marker` is there, anything logged before it is too. */
  const waitForLine = (what: string, done: (l: Line) => boolean) =>
    pollUntil(lines, (all) => all.some(done), { what, timeoutMs: 15_000, intervalMs: 50 });
  const completed = (reqId: string) => (l: Line) =>
    l.req_id === reqId && l.msg === 'request completed';
  const setLogging = async (value: object) => {
    const res = await callApi(g.base, 'PUT', '/api/v1/config/logging', value, token);
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await startUpstream('streamable_http');
    g = await startGatewayProcess({ ...testEnv(), DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    token = await g.login(TEST_ADMIN.username, TEST_ADMIN.password);
    const created = await callApi(
      g.base,
      'POST',
      '/api/v1/mcp/servers',
      upstream.registration('traced'),
      token,
    );
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await g?.stop();
    await upstream.stop();
    await db.drop();
  });

  it('returns the caller’s request id, or a new one, and logs the request with it', async () => {
    const honoured = await call('GET', '/mcp/servers', 'client-trace.42');
    expect(honoured.headers.get('x-request-id')).toBe('client-trace.42');
    const generated = await callApi(g.base, 'GET', '/api/v1/mcp/servers', undefined, token, {
      'x-request-id': 'not a plain id',
    });
    const id = generated.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await waitForLine('request line', completed(id));
    expect(of('client-trace.42')).toEqual([
      expect.objectContaining({ component: 'http', msg: 'request completed', level: 30 }),
    ]);
  });

  /**
   * Settings apply within moments of the PUT, not within the PUT itself: repeat `request` under
   * fresh ids (`<prefix>-1`, `-2`, ...) until the lines one of them caused satisfy `done`.
   */
  async function untilLogged(
    prefix: string,
    request: (id: string) => Promise<void>,
    marker: (id: string) => (l: Line) => boolean,
    done: (id: string) => boolean,
  ): Promise<string> {
    let n = 0;
    return pollUntil(
      async () => {
        const id = `${prefix}-${++n}`;
        await request(id);
        await waitForLine(`lines of ${id}`, marker(id));
        return id;
      },
      done,
      { what: `${prefix}: logs as expected`, timeoutMs: 20_000, intervalMs: 0 },
    );
  }
  const check = async (id: string) =>
    expectOk(await call('POST', '/mcp/servers/traced/health-check', id));
  const tool = async (id: string) =>
    expectOk(
      await call('POST', '/mcp/servers/traced/tools/echo/execute', id, {
        arguments: { text: 'hi' },
      }),
    );

  it('switches to debug live, and the check and tool lines a request causes carry its id', async () => {
    await check('check-at-info');
    await waitForLine('completion at info', completed('check-at-info'));
    expect(of('check-at-info').filter((l) => l.level === DEBUG)).toEqual([]);

    await setLogging({ level: 'debug', component_names: [] });
    const checked = await untilLogged('check-at-debug', check, completed, (id) =>
      of(id).some((l) => l.level === DEBUG),
    );
    expect(of(checked)).toContainEqual(
      expect.objectContaining({ level: DEBUG, component: 'health', msg: 'checked traced: ok' }),
    );
    await tool('tool-at-debug');
    await waitForLine('tool completion', completed('tool-at-debug'));
    expect(of('tool-at-debug')).toContainEqual(
      expect.objectContaining({ level: DEBUG, component: 'tools', msg: 'running echo on traced' }),
    );
  });

  it('keeps only the components asked for', async () => {
    await setLogging({ level: 'debug', component_names: ['tools'] });
    // A check, then a tool call: once the tool's line is there, the check's would be too.
    const id = await untilLogged(
      'filtered',
      async (i) => {
        await check(`${i}-check`);
        await tool(`${i}-tool`);
      },
      (i) => (l) => l.req_id === `${i}-tool` && l.component === 'tools',
      (i) => of(`${i}-check`).length === 0,
    );
    expect(of(`${id}-tool`).map((l) => l.component)).toEqual(['tools']);
  });

  it('goes back to the quieter level live', async () => {
    await setLogging({ level: 'info', component_names: [] });
    const id = await untilLogged('back-at-info', check, completed, (i) =>
      of(i).every((l) => l.level >= 30),
    );
    expect(of(id).map((l) => l.level)).toEqual([30]);
  });
});
