import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type HttpProtocol, startHttpMcpServer, type TestMcpServer } from './http-server';
import { countToolListChanged, expectCatalogue, expectCode, waitFor } from './spec-support';

describe.each<HttpProtocol>(['streamable_http', 'sse'])('startHttpMcpServer (%s)', (protocol) => {
  let server: TestMcpServer | undefined;
  const clients: Client[] = [];

  async function start(options: Parameters<typeof startHttpMcpServer>[0]['behaviour'] = {}) {
    server = await startHttpMcpServer({ protocol, behaviour: options, name: 'spec-server' });
    return server;
  }

  async function connect(target: TestMcpServer, headers?: Record<string, string>) {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    clients.push(client);
    const url = new URL(target.url);
    const opts = headers === undefined ? {} : { requestInit: { headers } };
    const transport =
      protocol === 'sse'
        ? new SSEClientTransport(url, opts)
        : new StreamableHTTPClientTransport(url, opts);
    await client.connect(transport);
    return client;
  }

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
    await server?.stop();
    server = undefined;
  });

  it('serves the catalogue on 127.0.0.1 and records requests in order', async () => {
    const target = await start();
    expect(target.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${protocol === 'sse' ? 'sse' : 'mcp'}$`),
    );
    const client = await connect(target);
    expect(client.getServerVersion()?.name).toBe('spec-server');
    expect(target.sessionCount()).toBe(1);

    await expectCatalogue(client);

    expect(target.calls.map((call) => call.method)).toEqual([
      'initialize',
      'ping',
      'tools/list',
      'tools/call',
      'tools/call',
      'tools/call',
      'tools/call',
      'prompts/list',
      'resources/list',
    ]);
    expect(typeof target.calls[0]?.at).toBe('number');
  });

  it('refusePing answers ping with MethodNotFound while tools keep working', async () => {
    const target = await start();
    const client = await connect(target);
    target.behaviour.refusePing = true;

    const error = await expectCode(client.ping(), ErrorCode.MethodNotFound);
    expect(error).toBeInstanceOf(McpError);
    await expect(client.listTools()).resolves.toHaveProperty('tools');
  });

  it('failing answers HTTP 500, including initialize', async () => {
    const target = await start();
    const client = await connect(target);
    target.behaviour.mode = 'failing';

    const error = await client.listTools().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (protocol === 'streamable_http') {
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect(error).toHaveProperty('code', 500);
    } else {
      expect(String(error)).toContain('HTTP 500');
    }
    await expect(connect(target)).rejects.toThrow(protocol === 'sse' ? /500/ : /testkit: failing/);
  });

  it('hanging never answers, so the client times out; stop() releases held requests', async () => {
    const target = await start();
    const client = await connect(target);
    target.behaviour.mode = 'hanging';

    const error = await expectCode(
      client.listTools({}, { timeout: 300 }),
      ErrorCode.RequestTimeout,
    );
    expect(error).toBeInstanceOf(McpError);

    const pending = client.ping().then(
      () => 'answered',
      () => 'released',
    );
    await waitFor(() => target.calls.at(-1)?.method === 'ping', 'the held ping');
    await target.stop();
    await expect(pending).resolves.toBe('released');
    await expect(target.stop()).resolves.toBeUndefined();
  });

  it('delayMs slows every request down', async () => {
    const target = await start();
    const client = await connect(target);
    target.behaviour.delayMs = 150;

    const started = Date.now();
    await client.ping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('requiredBearer answers 401 without the token and works with it', async () => {
    const target = await start({ requiredBearer: 'x' });

    const error = await connect(target).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(protocol === 'sse' ? SseError : StreamableHTTPError);
    expect(error).toHaveProperty('code', 401);
    expect(target.calls).toEqual([]);

    const client = await connect(target, { Authorization: 'Bearer x' });
    await expect(client.ping()).resolves.toEqual({});
  });

  it('expireSessions makes the old session id unknown (404)', async () => {
    const target = await start();
    const client = await connect(target);
    expect(target.sessionCount()).toBe(1);

    target.expireSessions();
    expect(target.sessionCount()).toBe(0);

    const error = await client.listTools().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (protocol === 'streamable_http') {
      expect(error).toBeInstanceOf(StreamableHTTPError);
      expect(error).toHaveProperty('code', 404);
    } else {
      expect(String(error)).toContain('HTTP 404');
    }

    const fresh = await connect(target);
    await expect(fresh.ping()).resolves.toEqual({});
    expect(target.sessionCount()).toBe(1);
  });

  it('setExtraTools notifies every session once and changes the tool list', async () => {
    const target = await start();
    const first = await connect(target);
    const second = await connect(target);
    const firstNotified = countToolListChanged(first);
    const secondNotified = countToolListChanged(second);

    await target.setExtraTools(['extra_one', 'extra_two']);
    await waitFor(() => firstNotified() >= 1 && secondNotified() >= 1, 'tools/list_changed');
    const names = (await first.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'extra_one', 'extra_two']));
    const extra = await second.callTool({ name: 'extra_two', arguments: {} });
    expect(extra.content).toEqual([{ type: 'text', text: 'extra_two' }]);
    expect(firstNotified()).toBe(1);

    await target.setExtraTools(['extra_three']);
    await waitFor(() => firstNotified() >= 2, 'the second tools/list_changed');
    const after = (await first.listTools()).tools.map((tool) => tool.name);
    expect(after).toContain('extra_three');
    expect(after).not.toContain('extra_one');
    expect(firstNotified()).toBe(2);

    // A session opened later starts with the current extra tools.
    const third = await connect(target);
    expect((await third.listTools()).tools.map((tool) => tool.name)).toContain('extra_three');
  });

  it('setExtraTools is not held up by the session of a client that went away', async () => {
    const target = await start();
    const gone = await connect(target);
    await gone.listTools();
    await gone.close();
    const client = await connect(target);
    const notified = countToolListChanged(client);

    const started = Date.now();
    await target.setExtraTools(['extra_one']);
    await waitFor(() => notified() === 1, 'tools/list_changed');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('rejects extra tool names that shadow the catalogue', async () => {
    const target = await start();
    await expect(target.setExtraTools(['echo'])).rejects.toThrow(/core tool/);
  });
});
