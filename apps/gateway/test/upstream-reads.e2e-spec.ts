import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { PromptGetResult, ResourceReadResult, ToolExecutionResult } from '@omni2/contracts';
import { startHttpMcpServer, startModernHttpMcpServer, type TestMcpServer } from '@omni2/testkit';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 14, part 6: what the tester shows of a result, and the reads MCP Inspector offers.
 * Tool output is checked against the tool's outputSchema and the verdict reported; resources
 * are read and prompts rendered on either era, without moving the breaker.
 */
describe('tool output verdicts, resource reads and prompts (e2e)', () => {
  let t: TestApp;
  const servers: TestMcpServer[] = [];
  let liar: HttpServer;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
    servers.push(await startHttpMcpServer({ protocol: 'streamable_http' }));
    servers.push(await startModernHttpMcpServer({ era: 'modern' }));
    liar = await startLiar();
    const register = async (name: string, url: string) => {
      const res = await t.api('POST', '/api/v1/mcp/servers', {
        name,
        protocol: 'streamable_http',
        url,
      });
      expect(res.status).toBe(201);
      expect((await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`)).body.ok).toBe(true);
    };
    await register('legacy', servers[0].url);
    await register('modern', servers[1].url);
    await register('liar', `http://127.0.0.1:${(liar.address() as AddressInfo).port}/mcp`);
  });

  afterAll(async () => {
    await t.close();
    for (const server of servers) await server.stop();
    await new Promise((done) => liar.close(done));
  });

  const post = <T = any>(path: string, body: unknown) =>
    t.api<T>('POST', `/api/v1/mcp/servers/${path}`, body);

  describe.each(['legacy', 'modern'])('%s server', (name) => {
    it('reports structured content that matches the output schema as valid', async () => {
      const res = await post<ToolExecutionResult>(`${name}/tools/add/execute`, {
        arguments: { a: 2, b: 3 },
      });
      expect(res.body).toMatchObject({
        structured_content: { sum: 5 },
        output_validation: { valid: true, errors: [] },
      });
      const plain = await post<ToolExecutionResult>(`${name}/tools/echo/execute`, {
        arguments: { text: 'x' },
      });
      expect(plain.body.output_validation).toBeNull();
    });

    it('reads a resource', async () => {
      const res = await post<ResourceReadResult>(`${name}/resources/read`, {
        uri: 'testkit://readme',
      });
      expect(res.status).toBe(200);
      expect(res.body.contents).toEqual([
        expect.objectContaining({
          uri: 'testkit://readme',
          text: expect.stringMatching(/testkit/),
        }),
      ]);
    });

    it('renders a prompt with its arguments', async () => {
      const res = await post<PromptGetResult>(`${name}/prompts/greet/get`, {
        arguments: { name: 'Ada' },
      });
      expect(res.status).toBe(200);
      expect(res.body.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Hello, Ada!' } },
      ]);
    });

    it('says so when the server refuses, and the server stays healthy', async () => {
      const res = await post(`${name}/resources/read`, { uri: 'testkit://missing' });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(res.body.message).toMatch(/refused to give the resource testkit:\/\/missing/);
      const view = await t.api('GET', `/api/v1/mcp/servers/${name}`);
      expect(view.body).toMatchObject({ consecutive_failures: 0, circuit_state: 'closed' });
    });
  });

  it('names what breaks the output schema', async () => {
    const res = await post<ToolExecutionResult>('liar/tools/sum/execute', { arguments: {} });
    expect(res.status).toBe(200);
    expect(res.body.output_validation).toEqual({
      valid: false,
      errors: [{ field: 'structured_content.sum', message: 'must be number' }],
    });
  });

  it('refuses a read without a uri, naming the field', async () => {
    const res = await post('legacy/resources/read', {});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'uri' })]);
  });
});

/**
 * A real SDK server (low level, stateless) whose tool breaks its own output schema: the SDK's
 * McpServer would refuse to send such a result, which is exactly what omni2 must catch.
 */
async function startLiar(): Promise<HttpServer> {
  const http = createServer((req, res) => {
    const mcp = new Server({ name: 'liar', version: '1.0.0' }, { capabilities: { tools: {} } });
    mcp.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        {
          name: 'sum',
          inputSchema: { type: 'object' },
          outputSchema: {
            type: 'object',
            properties: { sum: { type: 'number' } },
            required: ['sum'],
          },
        },
      ],
    }));
    mcp.setRequestHandler(CallToolRequestSchema, () => ({
      content: [{ type: 'text', text: 'five' }],
      structuredContent: { sum: 'five' },
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.once('close', () => void mcp.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  return http;
}
