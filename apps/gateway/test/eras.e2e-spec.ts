import type { McpServerView } from '@omni2/contracts';
import { pollUntil } from './support/poll';
import { parsePrometheusText } from './support/prometheus-text';
import { startTestApp, type TestApp } from './support/test-app';
import { startUpstream, type Era, type Transport, type Upstream } from './support/upstreams';

interface Case {
  transport: Exclude<Transport, 'sse'>;
  era: Era;
  client: 'lean' | 'sdk';
}

const CASES: Case[] = [
  { transport: 'streamable_http', era: 'modern', client: 'lean' },
  { transport: 'streamable_http', era: 'dual', client: 'lean' },
  { transport: 'streamable_http', era: 'legacy', client: 'lean' },
  { transport: 'streamable_http', era: 'modern', client: 'sdk' },
  { transport: 'streamable_http', era: 'dual', client: 'sdk' },
  { transport: 'streamable_http', era: 'legacy', client: 'sdk' },
  { transport: 'stdio', era: 'modern', client: 'sdk' },
  { transport: 'stdio', era: 'dual', client: 'sdk' },
  { transport: 'stdio', era: 'legacy', client: 'sdk' },
];

const label = (c: Case) => `${c.transport} ${c.era} (${c.client} client)`;

/**
 * SPEC §10: omni2 speaks MCP 2026-07-28 as well as 2025. A modern-only server is healthy, lists
 * and runs its tools and reports its era and version; a dual-era server is used on the modern
 * era; a legacy server keeps working as before. Over Streamable HTTP (omni2's own client and the
 * SDK's) and stdio (the SDK's).
 */
describe.each(['lean', 'sdk'] as const)(
  'protocol eras, %s Streamable HTTP client (e2e)',
  (client) => {
    let t: TestApp;
    const upstreams = new Map<string, Upstream>();
    const cases = CASES.filter((c) => c.transport === 'stdio' || c.client === client);
    const nameOf = (c: Case) => `${c.transport.replace('_', '-')}-${c.era}`;

    beforeAll(async () => {
      t = await startTestApp({ OMNI2_COORDINATOR: 'off', OMNI2_STREAMABLE_HTTP_CLIENT: client });
      for (const c of cases) {
        const upstream = await startUpstream(c.transport, {}, c.era);
        upstreams.set(nameOf(c), upstream);
        const res = await t.api('POST', '/api/v1/mcp/servers', upstream.registration(nameOf(c)));
        expect([label(c), res.status]).toEqual([label(c), 201]);
      }
    });

    afterAll(async () => {
      await t.close();
      for (const upstream of upstreams.values()) await upstream.stop();
    });

    it.each(cases.map((c) => [label(c), c] as const))(
      '%s: healthy, era and version recorded, tools listed and run',
      async (_label, c) => {
        const name = nameOf(c);
        const check = await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`);
        expect(check.body).toMatchObject({
          ok: true,
          probe: c.era === 'legacy' ? 'ping' : 'discover',
        });
        const view = (await t.api<McpServerView>('GET', `/api/v1/mcp/servers/${name}`)).body;
        expect(view).toMatchObject(
          c.era === 'legacy'
            ? { protocol_era: 'legacy', protocol_version: '2025-11-25', health_status: 'healthy' }
            : { protocol_era: 'modern', protocol_version: '2026-07-28', health_status: 'healthy' },
        );
        const caps = await t.api('GET', `/api/v1/mcp/servers/${name}/capabilities`);
        expect(caps.body.tools.map((tool: { name: string }) => tool.name).sort()).toEqual([
          'add',
          'echo',
          'fail',
          'sleep',
        ]);
        expect(caps.body.prompts.map((p: { name: string }) => p.name)).toEqual(['greet']);
        const run = await t.api('POST', `/api/v1/mcp/servers/${name}/tools/add/execute`, {
          arguments: { a: 2, b: 3 },
        });
        expect(run.status).toBe(200);
        expect(run.body).toMatchObject({ is_error: false, structured_content: { sum: 5 } });
        const fail = await t.api('POST', `/api/v1/mcp/servers/${name}/tools/fail/execute`, {
          arguments: {},
        });
        expect(fail.body.is_error).toBe(true);
        // A second check reuses what the first one negotiated.
        expect((await t.api('POST', `/api/v1/mcp/servers/${name}/health-check`)).body.ok).toBe(
          true,
        );
      },
    );

    it('filters the list by era', async () => {
      const list = await t.api<{ items: McpServerView[] }>(
        'GET',
        '/api/v1/mcp/servers?protocol_era=modern',
      );
      const modern = cases.filter((c) => c.era !== 'legacy').map(nameOf);
      expect(list.body.items.map((s) => s.name).sort()).toEqual(modern.sort());
      const legacy = await t.api<{ items: McpServerView[] }>(
        'GET',
        '/api/v1/mcp/servers?protocol_era=legacy,unknown',
      );
      expect(legacy.body.items.every((s) => s.protocol_era !== 'modern')).toBe(true);
    });

    it('exports the era and revision of each server, and the fleet by protocol, in /metrics', async () => {
      const parsed = parsePrometheusText(await (await fetch(`${t.baseUrl}/metrics`)).text());
      for (const c of cases) {
        expect([
          label(c),
          parsed.find('omni2_server_protocol_info', { server: nameOf(c) }),
        ]).toEqual([
          label(c),
          [
            expect.objectContaining({
              labels: expect.objectContaining({
                era: c.era === 'legacy' ? 'legacy' : 'modern',
                version: c.era === 'legacy' ? '2025-11-25' : '2026-07-28',
                transport: c.transport,
                deprecated: '',
              }),
            }),
          ],
        ]);
      }
      const modern = cases.filter((c) => c.era !== 'legacy');
      const counted = parsed
        .find('omni2_servers_by_protocol', { era: 'modern' })
        .reduce((sum, s) => sum + s.value, 0);
      expect(counted).toBe(modern.length);
    });

    it('reports a failing modern server as down, and it recovers', async () => {
      const c = cases.find((x) => x.era === 'modern' && x.transport === 'streamable_http')!;
      const upstream = upstreams.get(nameOf(c))!;
      upstream.setBehaviour({ mode: 'failing' });
      const failed = await t.api('POST', `/api/v1/mcp/servers/${nameOf(c)}/health-check`);
      expect(failed.body).toMatchObject({ ok: false, error_kind: 'protocol' });
      expect(failed.body.error).toMatch(/HTTP 500/);
      upstream.setBehaviour({ mode: 'healthy' });
      await pollUntil(
        async () => (await t.api('POST', `/api/v1/mcp/servers/${nameOf(c)}/health-check`)).body.ok,
        (ok) => ok === true,
        { what: 'the modern server to answer again' },
      );
    });

    it('forgets the era when the connection settings change, and negotiates again', async () => {
      const modern = cases.find((x) => x.era === 'modern' && x.transport === 'streamable_http')!;
      const legacy = cases.find((x) => x.era === 'legacy' && x.transport === 'streamable_http')!;
      const target = upstreams.get(nameOf(legacy))!;
      const edit = await t.api('PATCH', `/api/v1/mcp/servers/${nameOf(modern)}`, {
        url: target.registration('x').url,
      });
      expect(edit.body).toMatchObject({ protocol_era: null, protocol_version: null });
      expect(
        (await t.api('POST', `/api/v1/mcp/servers/${nameOf(modern)}/health-check`)).body.ok,
      ).toBe(true);
      expect((await t.api('GET', `/api/v1/mcp/servers/${nameOf(modern)}`)).body).toMatchObject({
        protocol_era: 'legacy',
        protocol_version: '2025-11-25',
      });
    });
  },
);
