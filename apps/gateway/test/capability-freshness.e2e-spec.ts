import type { CapabilitiesView } from '@omni2/contracts';
import { startModernHttpMcpServer, type TestMcpServer } from '@omni2/testkit';
import { pollUntil } from './support/poll';
import { startTestApp, type TestApp } from './support/test-app';

const HOUR = 3_600_000;

/**
 * Issue 14, part 3: 2026-07-28 servers say how long their lists stay fresh (`ttlMs`,
 * `cacheScope`) and tell omni2 about changes on a `subscriptions/listen` stream. omni2 refetches
 * a server's lists when the server says so, and not before: a hint that has not run out means
 * no tools/list at a check, an expired one means a refetch at the next check, and a change
 * notified on the listen stream updates the capabilities without any check.
 */
describe.each(['lean', 'sdk'] as const)('capability freshness, %s client (e2e)', (client) => {
  let t: TestApp;
  const servers: TestMcpServer[] = [];

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off', OMNI2_STREAMABLE_HTTP_CLIENT: client });
  });

  afterAll(async () => {
    await t.close();
    for (const server of servers) await server.stop();
  });

  async function register(
    name: string,
    options: Omit<Parameters<typeof startModernHttpMcpServer>[0], 'era'>,
  ) {
    const server = await startModernHttpMcpServer({ era: 'modern', ...options });
    servers.push(server);
    const res = await t.api('POST', '/api/v1/mcp/servers', {
      name,
      protocol: 'streamable_http',
      url: server.url,
    });
    expect(res.status).toBe(201);
    return server;
  }

  const listCalls = (server: TestMcpServer) =>
    server.calls.filter((c) => c.method === 'tools/list').length;
  const check = async (name: string) =>
    expect((await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`)).body.ok).toBe(true);
  const capabilities = async (name: string) =>
    (await t.api<CapabilitiesView>('GET', `/api/v1/mcp/servers/${name}/capabilities`)).body;

  it('does not refetch lists whose hint has not run out, and shows the hint', async () => {
    const hint = { ttlMs: HOUR, cacheScope: 'public' as const };
    const server = await register('hinted', {
      listChanged: false,
      cacheHints: { 'tools/list': hint, 'prompts/list': hint, 'resources/list': hint },
    });
    for (let i = 0; i < 3; i++) await check('hinted');
    expect(listCalls(server)).toBe(1);
    expect((await capabilities('hinted')).cache_hint).toEqual({ ttl_ms: HOUR, scope: 'public' });
  });

  it('combines hints over the lists: the shortest lifetime, private when any list is', async () => {
    await register('mixed', {
      listChanged: false,
      cacheHints: {
        'tools/list': { ttlMs: HOUR, cacheScope: 'public' },
        'prompts/list': { ttlMs: 120_000, cacheScope: 'private' },
        'resources/list': { ttlMs: HOUR, cacheScope: 'public' },
      },
    });
    await check('mixed');
    expect((await capabilities('mixed')).cache_hint).toEqual({ ttl_ms: 120_000, scope: 'private' });
  });

  it('refetches at every check the lists of a server that says they are stale at once', async () => {
    // The SDK's default hint: ttlMs 0, private.
    const server = await register('stale', { listChanged: false });
    for (let i = 0; i < 3; i++) await check('stale');
    expect(listCalls(server)).toBe(3);
    expect((await capabilities('stale')).cache_hint).toEqual({ ttl_ms: 0, scope: 'private' });
  });

  it('hears about changes on subscriptions/listen instead of refetching at each check', async () => {
    const server = await register('listening', {});
    for (let i = 0; i < 3; i++) await check('listening');
    expect(listCalls(server)).toBe(1);
    await pollUntil(
      () => Promise.resolve(server.calls.some((c) => c.method === 'subscriptions/listen')),
      (opened) => opened,
      { what: 'omni2 to open subscriptions/listen' },
    );
    await server.setExtraTools(['announced']);
    const caps = await pollUntil(
      () => capabilities('listening'),
      (c) => c.tools.some((tool) => tool.name === 'announced'),
      { what: 'the announced tool to reach the capabilities without a check' },
    );
    expect(caps.tools.map((tool) => tool.name)).toContain('announced');
  });

  it('asks again for a listen stream refused for now (a full subscription table)', async () => {
    const server = await startModernHttpMcpServer({ era: 'modern', maxSubscriptions: 1 });
    servers.push(server);
    const listens = () => server.calls.filter((c) => c.method === 'subscriptions/listen').length;
    for (const name of ['full-a', 'full-b']) {
      const res = await t.api('POST', '/api/v1/mcp/servers', {
        name,
        protocol: 'streamable_http',
        url: server.routeUrl(name),
      });
      expect(res.status).toBe(201);
    }
    await check('full-a');
    await pollUntil(
      () => Promise.resolve(listens()),
      (n) => n === 1,
      { what: "a's listen" },
    );
    await check('full-b');
    await pollUntil(
      () => Promise.resolve(listens()),
      (n) => n === 2,
      { what: "b's refused listen" },
    );
    // The refusal was "Subscription limit reached", not "method not found": b asks again.
    await check('full-b');
    await pollUntil(
      () => Promise.resolve(listens()),
      (n) => n === 3,
      { what: 'a second ask' },
    );
    // Once a's stream is gone, b's next ask is granted and its checks stop refetching lists.
    expect((await t.api('DELETE', '/api/v1/mcp/servers/full-a')).status).toBe(204);
    const refetched = await pollUntil(
      async () => {
        await check('full-b');
        const before = listCalls(server);
        await check('full-b');
        return listCalls(server) - before;
      },
      (n) => n === 0,
      { what: 'full-b to listen instead of refetching its stale lists' },
    );
    expect(refetched).toBe(0);
  });
});
