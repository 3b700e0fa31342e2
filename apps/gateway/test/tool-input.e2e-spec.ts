import type { ToolInputRequiredResult, ToolRunResult } from '@omni2/contracts';
import {
  ASK_FORM,
  startHttpMcpServer,
  startModernHttpMcpServer,
  type TestMcpServer,
} from '@omni2/testkit';
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

type Era = 'legacy' | 'modern';

/**
 * Issue 14, part 5: a server that needs input during a tool run. A 2025 server sends
 * `elicitation/create` on the call's stream; a 2026-07-28 server answers `input_required`. Either
 * way the REST caller gets the form with a token, answers it with a second request, and gets the
 * result; SEP-1034 defaults are filled in; sampling is refused with a clear reason.
 */
describe.each(['lean', 'sdk'] as const)('tool input during a run, %s client (e2e)', (client) => {
  let t: TestApp;
  const servers = new Map<Era, TestMcpServer>();

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off', OMNI2_STREAMABLE_HTTP_CLIENT: client });
    servers.set(
      'legacy',
      await startHttpMcpServer({
        protocol: 'streamable_http',
        behaviour: { interactiveTools: true },
      }),
    );
    servers.set(
      'modern',
      await startModernHttpMcpServer({ era: 'modern', interactiveTools: true }),
    );
    for (const [era, server] of servers) {
      const res = await t.api('POST', '/api/v1/mcp/servers', {
        name: era,
        protocol: 'streamable_http',
        url: server.url,
      });
      expect(res.status).toBe(201);
      const check = await t.api('POST', `/api/v1/mcp/servers/${era}/health-check`);
      expect([era, check.body.ok, check.body.error]).toEqual([era, true, null]);
    }
  });

  afterAll(async () => {
    await t.close();
    for (const server of servers.values()) await server.stop();
  });

  const execute = (era: Era, tool: string, body: unknown, token?: string) =>
    t.api<ToolRunResult>('POST', `/api/v1/mcp/servers/${era}/tools/${tool}/execute`, body, {
      token,
    });

  async function ask(era: Era, token?: string): Promise<ToolInputRequiredResult> {
    const res = await execute(era, 'ask', { arguments: {} }, token);
    expect([res.status, res.body.status]).toEqual([200, 'input_required']);
    return res.body as ToolInputRequiredResult;
  }

  const textOf = (result: ToolRunResult) =>
    result.status === 'complete' ? (result.content[0] as { text?: string }).text : result.status;

  describe.each(['legacy', 'modern'] as const)('%s server', (era) => {
    it('hands out the form, and the answer (with the defaults filled in) completes the run', async () => {
      const question = await ask(era);
      expect(question.input_request).toEqual({
        kind: 'elicitation',
        message: ASK_FORM.message,
        requested_schema: ASK_FORM.requestedSchema,
      });
      expect(Date.parse(question.expires_at)).toBeGreaterThan(Date.now());
      const done = await execute(era, 'ask', {
        input_token: question.input_token,
        input_response: { action: 'accept', content: { name: 'Ada', count: 7 } },
      });
      expect(done.status).toBe(200);
      expect(textOf(done.body)).toBe(
        `accept ${JSON.stringify({ name: 'Ada', count: 7, color: 'green', urgent: false })}`,
      );
    });

    it('passes a decline or a cancel on to the server', async () => {
      for (const action of ['decline', 'cancel'] as const) {
        const question = await ask(era);
        const done = await execute(era, 'ask', {
          input_token: question.input_token,
          input_response: { action },
        });
        expect([action, textOf(done.body)]).toEqual([action, action]);
      }
    });

    it('refuses an answer that does not fit the form, naming the field, and keeps the question open', async () => {
      const question = await ask(era);
      const bad = await execute(era, 'ask', {
        input_token: question.input_token,
        input_response: { action: 'accept', content: { name: '', count: 'many' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      const fields = (bad.body as unknown as { errors: { field: string }[] }).errors.map(
        (e) => e.field,
      );
      expect(fields.sort()).toEqual([
        'input_response.content.count',
        'input_response.content.name',
      ]);
      const done = await execute(era, 'ask', {
        input_token: question.input_token,
        input_response: { action: 'accept', content: { name: 'Grace' } },
      });
      expect(textOf(done.body)).toMatch(/^accept .*"name":"Grace"/);
    });

    it('names the answer field whose type is wrong, not the fields of a new run', async () => {
      const question = await ask(era);
      const bad = await execute(era, 'ask', {
        input_token: question.input_token,
        input_response: { action: 'accept', content: { name: { nested: true } } },
      });
      expect(bad.status).toBe(400);
      expect((bad.body as unknown as { errors: { field: string }[] }).errors).toEqual([
        expect.objectContaining({ field: 'input_response.content.name' }),
      ]);
      await execute(era, 'ask', {
        input_token: question.input_token,
        input_response: { action: 'cancel' },
      });
    });

    it('lets only the caller who got the question answer it, once', async () => {
      const question = await ask(era);
      const other = await t.tokenFor('operator');
      const answer = { input_token: question.input_token, input_response: { action: 'decline' } };
      const stranger = await execute(era, 'ask', answer, other);
      expect([stranger.status, stranger.body]).toEqual([
        404,
        expect.objectContaining({ code: 'TOOL_INPUT_NOT_FOUND' }),
      ]);
      expect((await execute(era, 'ask', answer)).status).toBe(200);
      expect((await execute(era, 'ask', answer)).status).toBe(404);
    });

    it('refuses sampling with a clear reason instead of dropping the connection', async () => {
      const res = await execute(era, 'sample', { arguments: {} });
      expect(res.status).toBe(200);
      // A 2025 server asks anyway and hears omni2's reason; a 2026-07-28 server checks the
      // capabilities omni2 declared (no sampling) and refuses to ask.
      expect(textOf(res.body)).toMatch(
        era === 'legacy'
          ? /^refused: .*sampling is not supported by omni2/
          : /sampling\/createMessage.*do not declare the required capability/,
      );
      // The server is still there for the next call.
      const next = await ask(era);
      const done = await execute(era, 'ask', {
        input_token: next.input_token,
        input_response: { action: 'cancel' },
      });
      expect(textOf(done.body)).toBe('cancel');
    });
  });
});

/**
 * Behind a load balancer the answer may reach another replica than the question: it is relayed
 * (Redis pub/sub) to the replica holding the run, and the next step comes back the same way.
 */
describe('tool input across replicas (e2e)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let server: TestMcpServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      OMNI2_REDIS_NAMESPACE: `t${randomBytes(4).toString('hex')}`,
      OMNI2_COORDINATOR: 'off',
    };
    a = await startTestApp(env, { database: db });
    b = await startTestApp(env, { database: db });
    server = await startHttpMcpServer({
      protocol: 'streamable_http',
      behaviour: { interactiveTools: true },
    });
    const res = await a.api('POST', '/api/v1/mcp/servers', {
      name: 'held',
      protocol: 'streamable_http',
      url: server.url,
    });
    expect(res.status).toBe(201);
  });

  let aClosed = false;

  afterAll(async () => {
    await b.close();
    if (!aClosed) await a.close();
    await server.stop();
    await db.drop();
  });

  const path = '/api/v1/mcp/servers/held/tools/ask/execute';

  it('continues a run held by replica A when the answer reaches replica B', async () => {
    const question = await a.api<ToolInputRequiredResult>('POST', path, { arguments: {} });
    expect(question.body.status).toBe('input_required');
    const bad = await b.api('POST', path, {
      input_token: question.body.input_token,
      input_response: { action: 'accept', content: { name: '' } },
    });
    expect([bad.status, bad.body.errors]).toEqual([
      400,
      [expect.objectContaining({ field: 'input_response.content.name' })],
    ]);
    const done = await b.api<ToolRunResult>('POST', path, {
      input_token: question.body.input_token,
      input_response: { action: 'accept', content: { name: 'Lin' } },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'complete',
      content: [{ type: 'text', text: expect.stringMatching(/^accept .*"name":"Lin"/) }],
    });
  });

  it('says the run is gone when its replica stopped', async () => {
    const question = await a.api<ToolInputRequiredResult>('POST', path, { arguments: {} });
    await a.close();
    aClosed = true;
    const late = await b.api('POST', path, {
      input_token: question.body.input_token,
      input_response: { action: 'decline' },
    });
    expect([late.status, late.body.code]).toEqual([404, 'TOOL_INPUT_NOT_FOUND']);
  });
});
