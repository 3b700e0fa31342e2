import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Era, type Transport, type Upstream } from './support/upstreams';

// Streamable HTTP runs twice: through omni2's lean session (the default) and through the SDK's
// client, the OMNI2_STREAMABLE_HTTP_CLIENT=sdk fallback. Streamable HTTP and stdio run on both
// protocol eras (SPEC §10); HTTP+SSE exists only in 2025.
describe.each<[Transport, 'lean' | 'sdk', Era]>([
  ['streamable_http', 'lean', 'legacy'],
  ['streamable_http', 'sdk', 'legacy'],
  ['sse', 'lean', 'legacy'],
  ['stdio', 'lean', 'legacy'],
  ['streamable_http', 'lean', 'modern'],
  ['streamable_http', 'sdk', 'modern'],
  ['stdio', 'lean', 'modern'],
])('a %s upstream, %s Streamable HTTP client, %s era (e2e)', (transport, client, era) => {
  let t: TestApp;
  let upstream: Upstream;
  const name = `up-${transport.replace('_', '-')}`;
  const path = `/api/v1/mcp/servers/${name}`;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_STREAMABLE_HTTP_CLIENT: client });
    upstream = await startUpstream(transport, {}, era);
    const created = await t.api('POST', '/api/v1/mcp/servers', upstream.registration(name));
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await t.close(); // closes sessions (and the stdio child) before the upstream goes
    await upstream.stop();
  });

  it('checks healthy with a response time, on the live session', async () => {
    const res = await t.api('POST', `${path}/health-check`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      probe: era === 'modern' ? 'discover' : 'ping',
      health_status: 'healthy',
      error: null,
    });
    expect(res.body.response_time_ms).toBeGreaterThan(0);
    expect(Date.parse(res.body.checked_at)).not.toBeNaN();

    const again = await t.api('POST', `${path}/health-check`);
    expect(again.body.ok).toBe(true);
    const methods = upstream.calls().map((c) => c.method);
    if (era === 'legacy') {
      // One session serves every check: a single initialize, two pings.
      expect(methods.filter((m) => m === 'initialize')).toHaveLength(1);
      expect(methods.filter((m) => m === 'ping').length).toBeGreaterThanOrEqual(2);
    } else {
      // Stateless: no handshake to keep, each check is a server/discover.
      expect(methods.filter((m) => m === 'initialize' || m === 'ping')).toEqual([]);
      expect(methods.filter((m) => m === 'server/discover').length).toBeGreaterThanOrEqual(2);
    }

    const view = await t.api('GET', path);
    expect(view.body).toMatchObject({
      health_status: 'healthy',
      last_error: null,
      consecutive_failures: 0,
    });
    expect(view.body.last_response_time_ms).toBeGreaterThan(0);
  });

  it('lists capabilities with cached_at and counts them on the server row', async () => {
    const res = await t.api('GET', `${path}/capabilities`);
    expect(res.status).toBe(200);
    expect(res.body.tools.map((tool: { name: string }) => tool.name)).toEqual(
      expect.arrayContaining(['echo', 'add', 'fail', 'sleep']),
    );
    expect(res.body.prompts.map((p: { name: string }) => p.name)).toContain('greet');
    expect(res.body.resources).toHaveLength(1);
    expect(Date.parse(res.body.cached_at)).not.toBeNaN();
    const add = res.body.tools.find((tool: { name: string }) => tool.name === 'add');
    expect(add.input_schema.required).toEqual(expect.arrayContaining(['a', 'b']));

    const row = await t.api('GET', path);
    expect(row.body.capabilities).toEqual({
      tools: res.body.tools.length,
      prompts: 1,
      resources: 1,
    });
  });

  it('executes a tool and returns its real result', async () => {
    const res = await t.api('POST', `${path}/tools/add/execute`, { arguments: { a: 2, b: 40 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tool: 'add',
      is_error: false,
      structured_content: { sum: 42 },
    });
    expect(res.body.content[0]).toMatchObject({ type: 'text' });
    expect(res.body.content[0].text).toContain('42');
    expect(res.body.duration_ms).toBeGreaterThan(0);

    const echo = await t.api('POST', `${path}/tools/echo/execute`, { arguments: { text: 'hé' } });
    expect(echo.body.content).toEqual([{ type: 'text', text: 'hé' }]);
  });

  it('validates arguments before sending them upstream', async () => {
    const before = upstream.calls().filter((c) => c.method === 'tools/call').length;
    const res = await t.api('POST', `${path}/tools/add/execute`, { arguments: { a: 'two' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('TOOL_ARGUMENTS_INVALID');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['arguments.a', 'arguments.b']),
    );
    expect(upstream.calls().filter((c) => c.method === 'tools/call').length).toBe(before);
  });

  it('answers 404 for an unknown tool and returns a tool error as a structured result', async () => {
    const unknown = await t.api('POST', `${path}/tools/nope/execute`, { arguments: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('TOOL_NOT_FOUND');
    const failed = await t.api('POST', `${path}/tools/fail/execute`, {});
    expect(failed.status).toBe(200);
    expect(failed.body.is_error).toBe(true);
    expect(failed.body.content[0].text).toContain('failed on purpose');
  });

  it('refreshes capabilities when the server announces a changed tool list', async () => {
    await t.api('POST', `${path}/health-check`); // a session must be open to hear the notice
    await upstream.setExtraTools(['late_tool']);
    const res = await pollUntil(
      () => t.api('GET', `${path}/capabilities`),
      (r) => r.body.tools.some((tool: { name: string }) => tool.name === 'late_tool'),
      { what: 'late_tool in capabilities' },
    );
    expect(res.status).toBe(200);
  });

  it('reports a failure with its kind when the upstream goes away, without crashing', async () => {
    if (transport === 'stdio') {
      upstream.setBehaviour({ exitOnRequest: true });
    } else {
      await upstream.stop();
    }
    const res = await t.api('POST', `${path}/health-check`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.error_kind).toBe(transport === 'stdio' ? 'process_exit' : 'unreachable');
    expect(res.body.error).toBeTruthy();
    const row = await t.api('GET', path);
    expect(row.body).toMatchObject({
      consecutive_failures: 1,
      last_error_kind: res.body.error_kind,
      health_status: 'healthy', // one failure below the threshold: no blinking
    });
    expect((await t.api('GET', '/health/ready')).status).toBe(200);
  });
});
