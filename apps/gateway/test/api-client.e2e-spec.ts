import { createOmni2Client, type Omni2Client, type Schema } from '@omni2/api-client';
import { startHttpMcpServer, type TestMcpServer } from '@omni2/testkit';
import type { z } from 'zod';
import {
  capabilitiesViewSchema,
  errorBodySchema,
  healthCheckResultSchema,
  mcpServerViewSchema,
  toolRunResultSchema,
} from '../src/openapi/view-schemas';
import { startTestApp, type TestApp } from './support/test-app';

/** The body is exactly what its response schema describes: nothing missing, extra or mistyped. */
function expectShape(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(body);
}

/**
 * The generated client (libs/api-client: openapi-fetch over the types openapi-typescript makes
 * of the served document) drives the main flow, so a route whose document and behaviour part
 * ways fails here at compile time (paths, bodies) or at run time (what comes back).
 */
describe('typed REST client from the OpenAPI document (e2e)', () => {
  let t: TestApp;
  let upstream: TestMcpServer;
  let api: Omni2Client;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
    upstream = await startHttpMcpServer({ protocol: 'streamable_http' });
    api = createOmni2Client(t.baseUrl, t.adminToken);
  });

  afterAll(async () => {
    await t?.close();
    await upstream?.stop();
  });

  it('registers a server, checks it, reads its capabilities and runs a tool', async () => {
    const created = await api.POST('/api/v1/mcp/servers', {
      body: { name: 'typed', protocol: 'streamable_http', url: upstream.url },
    });
    expect(created.response.status).toBe(201);
    const server: Schema<'McpServerView'> | undefined = created.data;
    expect(server).toMatchObject({ name: 'typed', protocol: 'streamable_http', auth_config: null });
    expectShape(mcpServerViewSchema, server);

    const check = await api.POST('/api/v1/mcp/servers/{id}/health-check', {
      params: { path: { id: 'typed' } },
    });
    expect(check.data).toMatchObject({ name: 'typed', ok: true, error: null });
    expect(check.data?.health_status).toBe('healthy');
    expectShape(healthCheckResultSchema, check.data);

    const capabilities = await api.GET('/api/v1/mcp/servers/{id}/capabilities', {
      params: { path: { id: server!.id } },
    });
    expect(capabilities.data?.tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['echo', 'add']),
    );
    expectShape(capabilitiesViewSchema, capabilities.data);

    const run = await api.POST('/api/v1/mcp/servers/{id}/tools/{tool}/execute', {
      params: { path: { id: 'typed', tool: 'add' } },
      body: { arguments: { a: 2, b: 3 } },
    });
    expect(run.response.status).toBe(200);
    const result = run.data;
    if (result?.status !== 'complete') throw new Error(`not complete: ${JSON.stringify(result)}`);
    expect(result).toMatchObject({ is_error: false, structured_content: { sum: 5 } });
    expect(result.content).toEqual([{ type: 'text', text: '5' }]);
    expectShape(toolRunResultSchema, result);
  });

  it('types error answers as ErrorBody, named fields included', async () => {
    const refused = await api.POST('/api/v1/mcp/servers', {
      body: { name: 'Not A Name', protocol: 'streamable_http', url: upstream.url },
    });
    expect(refused.response.status).toBe(400);
    const error: Schema<'ErrorBody'> | undefined = refused.error;
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.errors?.map((e) => e.field)).toContain('name');
    expectShape(errorBodySchema, error);

    const anonymous = createOmni2Client(t.baseUrl);
    const denied = await anonymous.GET('/api/v1/mcp/servers/{id}', {
      params: { path: { id: 'typed' } },
    });
    expect([denied.response.status, denied.error?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
