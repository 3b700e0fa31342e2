import { randomBytes } from 'node:crypto';
import type { ToolRunResult } from '@omni2/contracts';
import { LiveRuns } from '../src/tools/live-runs';
import { pollUntil } from './support/poll';
import { finalOf, openRunStream, type RunStream } from './support/run-stream';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { type Era, startUpstream, type Transport, type Upstream } from './support/upstreams';

/**
 * Issue 18, item 11: long tool runs. A caller that asks for an event stream sees the server's
 * progress as it comes and can cancel the run by its id (or by closing the stream); the server is
 * told, and a cancelled run never counts against its breaker. A timeout the operator chose
 * shorter than the server's own does not count either; one at the server's own limit does.
 */

interface Case {
  name: string;
  transport: Transport;
  era: Era;
}

/** Every upstream kind, each behind the client the gateway is configured with (stdio and SSE: SDK). */
const CASES: Record<'lean' | 'sdk', Case[]> = {
  lean: [
    { name: 'http-legacy', transport: 'streamable_http', era: 'legacy' },
    { name: 'http-modern', transport: 'streamable_http', era: 'modern' },
  ],
  sdk: [
    { name: 'http-legacy', transport: 'streamable_http', era: 'legacy' },
    { name: 'http-modern', transport: 'streamable_http', era: 'modern' },
    { name: 'stdio-legacy', transport: 'stdio', era: 'legacy' },
    { name: 'stdio-modern', transport: 'stdio', era: 'modern' },
    { name: 'sse-legacy', transport: 'sse', era: 'legacy' },
  ],
};

/** How the server hears of a cancelled call: notifications/cancelled, or (2026-07-28 HTTP) a closed stream. */
function toldCancelled(c: Case, upstream: Upstream): boolean {
  if (c.era === 'modern' && c.transport === 'streamable_http') {
    return upstream.abandoned().some((r) => r.method === 'tools/call');
  }
  return upstream.notifications().some((n) => n.method === 'notifications/cancelled');
}

const LONG = { steps: 400, interval_ms: 50 };

describe.each(['lean', 'sdk'] as const)('long tool runs, %s client (e2e)', (client) => {
  let t: TestApp;
  const upstreams = new Map<string, Upstream>();

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off', OMNI2_STREAMABLE_HTTP_CLIENT: client });
    for (const c of CASES[client]) {
      const upstream = await startUpstream(c.transport, { longRunningTools: true }, c.era);
      upstreams.set(c.name, upstream);
      const res = await t.api('POST', '/api/v1/mcp/servers', upstream.registration(c.name));
      expect([c.name, res.status]).toEqual([c.name, 201]);
      const check = await t.api('POST', `/api/v1/mcp/servers/${c.name}/health-check`);
      expect([c.name, check.body.ok, check.body.error]).toEqual([c.name, true, null]);
    }
  });

  afterAll(async () => {
    await t.close();
    for (const upstream of upstreams.values()) await upstream.stop();
  });

  const path = (server: string, tool = 'progress') =>
    `/api/v1/mcp/servers/${server}/tools/${tool}/execute`;
  const stream = (server: string, body: unknown, token = t.adminToken) =>
    openRunStream(t.baseUrl, path(server), body, token);
  const server = async (name: string) => (await t.api('GET', `/api/v1/mcp/servers/${name}`)).body;
  const firstProgress = (s: RunStream) =>
    pollUntil(
      () => s.events.filter((e) => e.event === 'progress').length,
      (n) => n > 0,
      { what: 'a progress event' },
    );

  describe.each(CASES[client])('$name', (c) => {
    it('streams the run id, the progress as it comes, then the result', async () => {
      const s = await stream(c.name, { arguments: { steps: 3, interval_ms: 30 } });
      expect([s.status, s.contentType]).toEqual([
        200,
        expect.stringContaining('text/event-stream'),
      ]);
      await s.ended;
      const names = s.events.map((e) => e.event);
      expect(names).toEqual(['run', 'progress', 'progress', 'progress', 'result']);
      expect(s.events[0].data).toMatchObject({
        run_id: expect.any(String),
        tool: 'progress',
        timeout_seconds: 30,
      });
      expect(s.events.slice(1, 4).map((e) => e.data)).toEqual([
        { progress: 1, total: 3, message: 'step 1 of 3' },
        { progress: 2, total: 3, message: 'step 2 of 3' },
        { progress: 3, total: 3, message: 'step 3 of 3' },
      ]);
      expect(s.events[4].data).toMatchObject({
        status: 'complete',
        content: [{ type: 'text', text: 'counted 3' }],
      });
    });

    it('reports progress without a total as a count', async () => {
      const s = await stream(c.name, { arguments: { steps: 2, interval_ms: 10, no_total: true } });
      await s.ended;
      expect(s.events.filter((e) => e.event === 'progress').map((e) => e.data)).toEqual([
        { progress: 1, total: null, message: 'step 1 of 2' },
        { progress: 2, total: null, message: 'step 2 of 2' },
      ]);
    });

    it('cancels mid-run by run id: status cancelled, the server told, the breaker untouched', async () => {
      const upstream = upstreams.get(c.name)!;
      const before = await server(c.name);
      const s = await stream(c.name, { arguments: LONG });
      await firstProgress(s);
      const runId = s.events[0].data.run_id as string;
      const cancel = await t.api(
        'POST',
        `/api/v1/mcp/servers/${c.name}/tools/progress/runs/${encodeURIComponent(runId)}/cancel`,
      );
      expect([cancel.status, cancel.body]).toEqual([200, { run_id: runId, cancelled: true }]);
      await s.ended;
      expect(finalOf(s)).toEqual({
        event: 'result',
        data: expect.objectContaining({
          status: 'cancelled',
          run_id: runId,
          reason: 'cancelled by the caller',
        }),
      });
      await pollUntil(() => toldCancelled(c, upstream), Boolean, {
        what: `${c.name} to hear of the cancel`,
      });
      expect(t.app.get(LiveRuns).size).toBe(0);
      const after = await server(c.name);
      expect([after.consecutive_failures, after.circuit_state]).toEqual([
        before.consecutive_failures,
        'closed',
      ]);
      const again = await t.api(
        'POST',
        `/api/v1/mcp/servers/${c.name}/tools/progress/runs/${encodeURIComponent(runId)}/cancel`,
      );
      expect([again.status, again.body.code]).toEqual([404, 'TOOL_RUN_NOT_FOUND']);
      // The session is still good for the next call.
      const next = await t.api('POST', path(c.name, 'echo'), { arguments: { text: 'after' } });
      expect([next.status, next.body.status]).toEqual([200, 'complete']);
    });
  });

  it('cancels a run whose caller closes the stream', async () => {
    const upstream = upstreams.get('http-legacy')!;
    const told = upstream.notifications().length;
    const s = await stream('http-legacy', { arguments: LONG });
    await firstProgress(s);
    s.close();
    await pollUntil(
      () => upstream.notifications().slice(told),
      (n) => n.some((x) => x.method === 'notifications/cancelled'),
      { what: 'notifications/cancelled' },
    );
    await pollUntil(
      () => t.app.get(LiveRuns).size,
      (n) => n === 0,
      { what: 'the run to end' },
    );
  });

  it('answers a JSON caller as before: no events, the same result body', async () => {
    const res = await t.api<ToolRunResult>('POST', path('http-legacy'), {
      arguments: { steps: 2, interval_ms: 5 },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body).toMatchObject({
      status: 'complete',
      content: [{ type: 'text', text: 'counted 2' }],
    });
  });

  it('refuses what cannot start as an ordinary HTTP error, even to a stream caller', async () => {
    const s = await stream('http-legacy', { arguments: { steps: 'x' } });
    await s.ended;
    expect(s.status).toBe(400);
    expect(s.events).toEqual([
      { event: 'json', data: expect.objectContaining({ code: 'TOOL_ARGUMENTS_INVALID' }) },
    ]);
  });

  it('refuses a timeout_seconds above the setting, naming the field', async () => {
    const over = await t.api('POST', path('http-legacy'), {
      arguments: { steps: 1, interval_ms: 0 },
      timeout_seconds: 601,
    });
    expect([over.status, over.body.errors]).toEqual([
      400,
      [{ field: 'timeout_seconds', message: expect.stringContaining('at most 600') }],
    ]);
    const bad = await t.api('POST', path('http-legacy'), { arguments: {}, timeout_seconds: 0 });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'timeout_seconds']);
  });

  it('only lets the caller who started a run cancel it', async () => {
    const s = await stream('http-legacy', { arguments: LONG });
    await firstProgress(s);
    const runId = s.events[0].data.run_id as string;
    const cancelPath = `/api/v1/mcp/servers/http-legacy/tools/progress/runs/${encodeURIComponent(runId)}/cancel`;
    const viewer = await t.api('POST', cancelPath, undefined, {
      token: await t.tokenFor('viewer'),
    });
    expect(viewer.status).toBe(403);
    const other = await t.api('POST', cancelPath, undefined, {
      token: await t.tokenFor('operator'),
    });
    expect([other.status, other.body.code]).toEqual([404, 'TOOL_RUN_NOT_FOUND']);
    const wrongTool = await t.api(
      'POST',
      `/api/v1/mcp/servers/http-legacy/tools/echo/runs/${encodeURIComponent(runId)}/cancel`,
    );
    expect(wrongTool.status).toBe(404);
    expect((await t.api('POST', cancelPath)).status).toBe(200);
    await s.ended;
    expect(finalOf(s)?.data.status).toBe('cancelled');
  });

  it('cancels a run paused on a question: its token is gone, the run ends cancelled', async () => {
    const upstream = await startUpstream('streamable_http', { interactiveTools: true });
    try {
      const res = await t.api('POST', '/api/v1/mcp/servers', upstream.registration('asks'));
      expect(res.status).toBe(201);
      // The stream of `ask`: its run id, then the question as its result.
      const s = await openRunStream(
        t.baseUrl,
        path('asks', 'ask'),
        { arguments: {} },
        t.adminToken,
      );
      await s.ended;
      const question = finalOf(s)?.data as { status: string; input_token: string };
      expect(question.status).toBe('input_required');
      const runId = s.events[0].data.run_id as string;
      const cancel = await t.api(
        'POST',
        `/api/v1/mcp/servers/asks/tools/ask/runs/${encodeURIComponent(runId)}/cancel`,
      );
      expect(cancel.status).toBe(200);
      await pollUntil(
        () => t.app.get(LiveRuns).size,
        (n) => n === 0,
        { what: 'the run to end' },
      );
      const late = await t.api('POST', path('asks', 'ask'), {
        input_token: question.input_token,
        input_response: { action: 'decline' },
      });
      expect([late.status, late.body.code]).toEqual([404, 'TOOL_INPUT_NOT_FOUND']);
    } finally {
      await upstream.stop();
    }
  });

  describe('timeouts and the breaker', () => {
    let upstream: Upstream;
    const name = 'own-limit';

    beforeAll(async () => {
      upstream = await startUpstream('streamable_http', { longRunningTools: true });
      const res = await t.api('POST', '/api/v1/mcp/servers', {
        ...upstream.registration(name),
        timeout_seconds: 2,
      });
      expect(res.status).toBe(201);
      expect((await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`)).body.ok).toBe(true);
    });

    afterAll(() => upstream.stop());

    it('does not count a timeout the operator chose shorter than the server’s own', async () => {
      const res = await t.api('POST', path(name), { arguments: LONG, timeout_seconds: 1 });
      expect([res.status, res.body.code, res.body.details]).toEqual([
        504,
        'UPSTREAM_TIMEOUT',
        expect.objectContaining({ error_kind: 'timeout', breaker_counted: false }),
      ]);
      expect(res.body.message).toContain('not counted against the server');
      expect(await server(name)).toMatchObject({ consecutive_failures: 0, last_error: null });
      if (client === 'lean') {
        // The lean client tells a 2025 server a call it gave up on is over.
        await pollUntil(
          () => upstream.notifications().some((n) => n.method === 'notifications/cancelled'),
          Boolean,
          { what: 'notifications/cancelled after the timeout' },
        );
      }
    });

    it('counts a timeout at the server’s own limit, as before', async () => {
      const res = await t.api('POST', path(name), { arguments: LONG, timeout_seconds: 2 });
      expect([res.status, res.body.code]).toEqual([504, 'UPSTREAM_TIMEOUT']);
      expect(res.body.details.breaker_counted).toBeUndefined();
      expect(await server(name)).toMatchObject({
        consecutive_failures: 1,
        last_error_kind: 'timeout',
      });
    });
  });
});

/**
 * Behind a load balancer the cancel may reach another replica than the run: it is relayed over
 * Redis pub/sub to the replica that holds the run, which cancels it there.
 */
describe('cancelling a run across replicas (e2e)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let upstream: Upstream;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      OMNI2_REDIS_NAMESPACE: `t${randomBytes(4).toString('hex')}`,
      OMNI2_COORDINATOR: 'off',
    };
    a = await startTestApp(env, { database: db });
    b = await startTestApp(env, { database: db });
    upstream = await startUpstream('streamable_http', { longRunningTools: true });
    expect((await a.api('POST', '/api/v1/mcp/servers', upstream.registration('held'))).status).toBe(
      201,
    );
  });

  afterAll(async () => {
    await b.close();
    await a.close();
    await upstream.stop();
    await db.drop();
  });

  it('cancels on replica A a run that replica B was asked to cancel', async () => {
    const s = await openRunStream(
      a.baseUrl,
      '/api/v1/mcp/servers/held/tools/progress/execute',
      { arguments: LONG },
      a.adminToken,
    );
    await pollUntil(() => s.events.some((e) => e.event === 'progress'), Boolean, {
      what: 'a progress event',
    });
    const runId = s.events[0].data.run_id as string;
    const cancelPath = `/api/v1/mcp/servers/held/tools/progress/runs/${encodeURIComponent(runId)}/cancel`;
    const cancel = await b.api('POST', cancelPath);
    expect([cancel.status, cancel.body]).toEqual([200, { run_id: runId, cancelled: true }]);
    await s.ended;
    expect(finalOf(s)?.data).toMatchObject({ status: 'cancelled', run_id: runId });
    const late = await b.api('POST', cancelPath);
    expect([late.status, late.body.code]).toEqual([404, 'TOOL_RUN_NOT_FOUND']);
  });
});
