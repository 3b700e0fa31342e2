import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpMcpServer, type Behaviour, type TestMcpServer } from '@omni2/testkit';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * omni2's lean Streamable HTTP session against the shapes real servers take: JSON instead of
 * SSE replies, stateless servers without a session or GET stream, notifications and
 * server-to-client requests on a reply stream, and servers that break the protocol.
 */
describe('lean Streamable HTTP session (e2e)', () => {
  let t: TestApp;
  const upstreams: TestMcpServer[] = [];
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(upstreams.map((u) => u.stop()));
  });

  async function register(url: string): Promise<string> {
    const name = `lean-${++serial}`;
    const res = await t.api('POST', '/api/v1/mcp/servers', {
      name,
      protocol: 'streamable_http',
      url,
    });
    expect(res.status).toBe(201);
    return `/api/v1/mcp/servers/${name}`;
  }

  async function upstream(behaviour: Partial<Behaviour>): Promise<TestMcpServer> {
    const server = await startHttpMcpServer({ protocol: 'streamable_http', behaviour });
    upstreams.push(server);
    return server;
  }

  const toolNames = (body: { tools: { name: string }[] }) => body.tools.map((tool) => tool.name);

  it('works with a server that replies with JSON bodies instead of event streams', async () => {
    const server = await upstream({ jsonResponse: true });
    const path = await register(server.url);
    const check = await t.api('POST', `${path}/health-check`);
    expect(check.body).toMatchObject({ ok: true, probe: 'ping', health_status: 'healthy' });
    const caps = await t.api('GET', `${path}/capabilities`);
    expect(toolNames(caps.body)).toEqual(expect.arrayContaining(['echo', 'add']));
    expect(caps.body.server_info).toEqual({ name: 'testkit', version: '1.0.0' });
    const run = await t.api('POST', `${path}/tools/add/execute`, { arguments: { a: 1, b: 2 } });
    expect(run.body).toMatchObject({ is_error: false, structured_content: { sum: 3 } });
  });

  it('works with a stateless server, and hears list changes on reply streams', async () => {
    const server = await upstream({ stateless: true });
    const path = await register(server.url);
    const first = await t.api('POST', `${path}/health-check`);
    expect(first.body).toMatchObject({ ok: true, probe: 'ping' });
    expect(toolNames((await t.api('GET', `${path}/capabilities`)).body)).not.toContain('late');

    // No session and no GET stream: the notification rides on the ping's own reply stream.
    await server.setExtraTools(['late']);
    server.behaviour.notifyOnPing = true;
    const second = await t.api('POST', `${path}/health-check`);
    expect(second.body.ok).toBe(true);
    expect(toolNames((await t.api('GET', `${path}/capabilities`)).body)).toContain('late');
    // Every check reused the same (stateless) session: one initialize in all.
    expect(server.calls.filter((c) => c.method === 'initialize')).toHaveLength(1);
  });

  it('answers a ping the server sends in the middle of a tool call', async () => {
    const server = await upstream({ pingClientOnEcho: true });
    const path = await register(server.url);
    const run = await t.api('POST', `${path}/tools/echo/execute`, { arguments: { text: 'hi' } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ is_error: false, content: [{ type: 'text', text: 'hi' }] });
  });

  describe('against a server that breaks the protocol', () => {
    let broken: Server;
    let reply: (body: Record<string, unknown>) => { type: string; text: string };

    beforeAll(async () => {
      // Not an SDK server on purpose: the SDK cannot be made to speak a wrong protocol version
      // or a wrong content type, which is exactly what these cases need.
      broken = createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        req.on('end', () => {
          const body = JSON.parse(raw || '{}') as Record<string, unknown>;
          if (!('id' in body)) {
            res.writeHead(202).end();
            return;
          }
          const { type, text } = reply(body);
          res.writeHead(200, { 'content-type': type }).end(text);
        });
      });
      await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())));

    const url = () => `http://127.0.0.1:${(broken.address() as AddressInfo).port}/mcp`;
    const initializeWith = (protocolVersion: string) => (body: Record<string, unknown>) => ({
      type: 'application/json',
      text: JSON.stringify({
        jsonrpc: '2.0',
        id: body.id,
        result: { protocolVersion, capabilities: {}, serverInfo: { name: 'x', version: '1' } },
      }),
    });

    it('refuses a protocol version it does not support, naming it', async () => {
      reply = initializeWith('1999-01-01');
      const path = await register(url());
      const check = await t.api('POST', `${path}/health-check`);
      expect(check.body).toMatchObject({ ok: false, error_kind: 'protocol' });
      expect(check.body.error).toContain('1999-01-01');
    });

    it('reports a reply that is neither JSON nor an event stream as a protocol error', async () => {
      reply = (body) =>
        body.method === 'initialize'
          ? initializeWith('2025-06-18')(body)
          : { type: 'text/html', text: '<h1>proxy error</h1>' };
      const path = await register(url());
      const check = await t.api('POST', `${path}/health-check`);
      expect(check.body).toMatchObject({ ok: false, error_kind: 'protocol' });
      expect(check.body.error).toContain('text/html');
    });

    it('reports a JSON-RPC error from the server with its message', async () => {
      reply = (body) =>
        body.method === 'initialize'
          ? initializeWith('2025-06-18')(body)
          : {
              type: 'application/json',
              text: JSON.stringify({
                jsonrpc: '2.0',
                id: body.id,
                error: { code: -32603, message: 'database is on fire' },
              }),
            };
      const path = await register(url());
      const check = await t.api('POST', `${path}/health-check`);
      expect(check.body).toMatchObject({ ok: false, error_kind: 'protocol' });
      expect(check.body.error).toContain('database is on fire');
    });
  });
});
