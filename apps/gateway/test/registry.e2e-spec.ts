import type { EventEnvelope, McpStatusChangeData, NewEvent } from '@omni2/contracts';
import { Client } from 'pg';
import { EventStream } from '../src/events/event-stream';
import { startTestApp, type TestApp } from './support/test-app';

const valid = {
  name: 'alpha',
  protocol: 'streamable_http',
  url: 'http://127.0.0.1:9/mcp',
};

describe('registry REST (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const count = async () => (await t.api('GET', '/api/v1/mcp/servers')).body.total as number;

  it('registers a server and returns the view with secrets redacted', async () => {
    const res = await t.api('POST', '/api/v1/mcp/servers', {
      ...valid,
      description: 'first',
      auth_type: 'bearer',
      auth_config: { token: 'tok-123' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'alpha',
      protocol: 'streamable_http',
      status: 'active',
      health_status: 'unknown',
      circuit_state: 'closed',
      auth_type: 'bearer',
      auth_config: '***',
      consecutive_failures: 0,
    });
    expect(res.body.next_check_at).not.toBeNull();
    expect(res.text).not.toContain('tok-123');
  });

  it.each([
    ['name', { ...valid, name: 'Bad Name' }],
    ['name', { ...valid, name: undefined }],
    ['protocol', { ...valid, protocol: 'ftp' }],
    ['url', { ...valid, url: 'not a url' }],
    ['url', { ...valid, url: 'ftp://host/x' }],
    ['url', { ...valid, url: undefined }],
    ['command', { name: 'x1', protocol: 'stdio' }],
    ['command', { ...valid, command: 'node' }],
    ['timeout_seconds', { ...valid, timeout_seconds: 0 }],
    ['auth_type', { ...valid, auth_type: 'oauth' }],
    ['auth_config', { ...valid, auth_type: 'bearer' }],
    ['auth_config.token', { ...valid, auth_type: 'bearer', auth_config: {} }],
    [
      'auth_config.headers.bad header',
      { ...valid, auth_type: 'headers', auth_config: { headers: { 'bad header': 'x' } } },
    ],
    ['auth_config', { ...valid, auth_type: 'none', auth_config: { token: 'x' } }],
    [
      'auth_type',
      {
        name: 'x2',
        protocol: 'stdio',
        command: 'node',
        auth_type: 'bearer',
        auth_config: { token: 'x' },
      },
    ],
    ['env.BAD-NAME', { name: 'x3', protocol: 'stdio', command: 'node', env: { 'BAD-NAME': 'x' } }],
    ['colour', { ...valid, colour: 'blue' }],
  ])('rejects bad input naming the field %s, keeping nothing', async (field, body) => {
    const before = await count();
    const res = await t.api('POST', '/api/v1/mcp/servers', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.body.message).toContain(field);
    expect(await count()).toBe(before);
  });

  it('answers 409 for a duplicate name', async () => {
    const res = await t.api('POST', '/api/v1/mcp/servers', valid);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'SERVER_NAME_TAKEN' });
    expect(res.body.message).toContain('name');
  });

  it('finds a server by id and by name; 404 otherwise', async () => {
    const byName = await t.api('GET', '/api/v1/mcp/servers/alpha');
    expect(byName.status).toBe(200);
    const byId = await t.api('GET', `/api/v1/mcp/servers/${byName.body.id}`);
    expect(byId.body.name).toBe('alpha');
    const missing = await t.api('GET', '/api/v1/mcp/servers/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('SERVER_NOT_FOUND');
    expect((await t.api('GET', '/api/v1/mcp/servers/no-such')).status).toBe(404);
  });

  it('edits a server, validating the merged result and keeping the row on failure', async () => {
    const ok = await t.api('PATCH', '/api/v1/mcp/servers/alpha', {
      url: 'https://example.test/mcp',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.url).toBe('https://example.test/mcp');
    expect(ok.body.auth_config).toBe('***');

    const bad = await t.api('PATCH', '/api/v1/mcp/servers/alpha', {
      url: 'nope',
      timeout_seconds: 5,
    });
    expect(bad.status).toBe(400);
    const after = await t.api('GET', '/api/v1/mcp/servers/alpha');
    expect(after.body.url).toBe('https://example.test/mcp');
    expect(after.body.timeout_seconds).toBe(30);

    const newType = await t.api('PATCH', '/api/v1/mcp/servers/alpha', { auth_type: 'basic' });
    expect(newType.status).toBe(400);
    expect(newType.body.errors[0].field).toBe('auth_config');
  });

  it('switching to stdio clears the network settings', async () => {
    const res = await t.api('PATCH', '/api/v1/mcp/servers/alpha', {
      protocol: 'stdio',
      command: 'node',
      args: ['server.js'],
      env: { API_TOKEN: 'env-secret-999' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      protocol: 'stdio',
      url: null,
      command: 'node',
      auth_type: 'none',
      auth_config: null,
      env: { API_TOKEN: '***' },
    });
    expect(res.text).not.toContain('env-secret-999');
  });

  it('disables and enables, and refuses a check while disabled', async () => {
    const off = await t.api('POST', '/api/v1/mcp/servers/alpha/disable');
    expect(off.body).toMatchObject({
      status: 'inactive',
      disabled_reason: 'manual',
      health_status: 'disabled',
      next_check_at: null,
    });
    const check = await t.api('POST', '/api/v1/mcp/servers/alpha/health-check');
    expect(check.status).toBe(409);
    expect(check.body.code).toBe('SERVER_DISABLED');
    const on = await t.api('POST', '/api/v1/mcp/servers/alpha/enable');
    expect(on.body).toMatchObject({
      status: 'active',
      disabled_reason: null,
      consecutive_failures: 0,
    });
    expect(on.body.next_check_at).not.toBeNull();
    // Enabling or disabling twice changes nothing and logs nothing the second time.
    const logged = async () =>
      (await t.api('GET', '/api/v1/mcp/servers/alpha/health-logs?limit=1000')).body.items.length;
    const before = await logged();
    const again = await t.api('POST', '/api/v1/mcp/servers/alpha/enable');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'active', health_status: on.body.health_status });
    expect(await logged()).toBe(before);
    expect((await t.api('POST', '/api/v1/mcp/servers/alpha/disable')).status).toBe(200);
    const offAgain = await t.api('POST', '/api/v1/mcp/servers/alpha/disable');
    expect(offAgain.body).toMatchObject({ status: 'inactive', disabled_reason: 'manual' });
    expect(await logged()).toBe(before + 1);
    await t.api('POST', '/api/v1/mcp/servers/alpha/enable');
  });

  it('treats a status change in an edit as the disable or enable it is: logged, published, outage ended', async () => {
    const published: EventEnvelope[] = [];
    t.app.get(EventStream).subscribe((e) => published.push(e));
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      const created = await t.api('POST', '/api/v1/mcp/servers', { ...valid, name: 'paused' });
      expect(created.status).toBe(201);
      // paused is in an outage: its circuit open since a minute ago.
      await pg.query(
        `UPDATE omni2.mcp_servers SET circuit_state = 'open', consecutive_failures = 5,
           down_since = now() - interval '60 seconds', open_until = now() + interval '1 hour',
           health_status = 'circuit_open' WHERE name = 'paused'`,
      );
      const batches = jest.spyOn(t.app.get(EventStream), 'publish');
      const off = await t.api('PATCH', '/api/v1/mcp/servers/paused', {
        status: 'inactive',
        description: 'paused for maintenance',
      });
      expect(off.status).toBe(200);
      // One transaction, one batch: the edit is announced as it ended, with its status change.
      const calls = [...batches.mock.calls] as [NewEvent[]][];
      batches.mockRestore();
      expect(calls).toHaveLength(1);
      const [batch] = calls[0];
      expect(batch.map((e) => e.type)).toEqual(['mcp_config_changed', 'mcp_status_change']);
      expect(batch[0].data).toMatchObject({
        action: 'updated',
        server: { status: 'inactive', description: 'paused for maintenance' },
      });
      expect(batch[1]).toMatchObject({ severity: 'warning', data: { reason: /^disable by / } });
      expect(off.body).toMatchObject({
        status: 'inactive',
        disabled_reason: 'manual',
        health_status: 'disabled',
        description: 'paused for maintenance',
        next_check_at: null,
      });
      await t.api('POST', '/api/v1/mcp/servers', { ...valid, name: 'paused-too' });
      const taken = await t.api('PATCH', '/api/v1/mcp/servers/paused', {
        status: 'active',
        name: 'paused-too',
      });
      expect(taken.status).toBe(409);
      expect((await t.api('GET', '/api/v1/mcp/servers/paused')).body).toMatchObject({
        status: 'inactive',
      });
      const on = await t.api('PATCH', '/api/v1/mcp/servers/paused', { status: 'active' });
      expect(on.body).toMatchObject({
        status: 'active',
        circuit_state: 'closed',
        consecutive_failures: 0,
      });
      const logs = await pg.query<{ event_type: string; error_message: string }>(
        `SELECT event_type, error_message FROM omni2.mcp_health_log l
           JOIN omni2.mcp_servers s ON s.id = l.server_id
          WHERE s.name = 'paused' ORDER BY l.created_at`,
      );
      expect(logs.rows.map((r) => r.event_type)).toEqual(['manually_disabled', 'manually_enabled']);
      expect(logs.rows[0].error_message).toMatch(/^disable by /);
      const row = await pg.query<{ down_since: Date | null; total_downtime_seconds: number }>(
        `SELECT down_since, total_downtime_seconds FROM omni2.mcp_servers WHERE name = 'paused'`,
      );
      expect(row.rows[0].down_since).toBeNull(); // else the next failure would auto-disable it
      expect(Number(row.rows[0].total_downtime_seconds)).toBeGreaterThanOrEqual(60);
      const changes = published
        .filter((e) => e.type === 'mcp_status_change')
        .map((e) => e.data as McpStatusChangeData)
        .map((d) => [d.old_status, d.new_status]);
      expect(changes).toEqual([
        ['circuit_open', 'disabled'],
        ['disabled', 'unknown'],
      ]);
    } finally {
      await pg.end();
      await t.api('DELETE', '/api/v1/mcp/servers/paused');
      await t.api('DELETE', '/api/v1/mcp/servers/paused-too');
    }
  });

  it('filters the list and validates the filters', async () => {
    await t.api('POST', '/api/v1/mcp/servers', {
      name: 'beta',
      protocol: 'sse',
      url: 'http://b.test/sse',
    });
    await t.api('POST', '/api/v1/mcp/servers', {
      name: 'gamma',
      protocol: 'sse',
      url: 'http://g.test/sse',
      status: 'inactive',
    });
    const inactive = await t.api('GET', '/api/v1/mcp/servers?status=inactive');
    expect(inactive.body.items.map((s: { name: string }) => s.name)).toEqual(['gamma']);
    const search = await t.api('GET', '/api/v1/mcp/servers?q=b.test');
    expect(search.body.items.map((s: { name: string }) => s.name)).toEqual(['beta']);
    const paged = await t.api('GET', '/api/v1/mcp/servers?limit=1&offset=1');
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.total).toBe(3);
    const bad = await t.api('GET', '/api/v1/mcp/servers?health_status=great');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toMatch(/^health_status/);
  });

  it('serves the list compressed to clients that accept gzip', async () => {
    const auth = { authorization: `Bearer ${t.adminToken}` };
    const res = await fetch(`${t.baseUrl}/api/v1/mcp/servers`, {
      headers: { 'accept-encoding': 'gzip', ...auth },
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    const body = (await res.json()) as { items: { name: string }[]; total: number };
    expect(body.items.length).toBe(body.total);
    const plain = await fetch(`${t.baseUrl}/api/v1/mcp/servers`, {
      headers: { 'accept-encoding': 'identity', ...auth },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.json()).toEqual(body);
  });

  it('deletes a server', async () => {
    expect((await t.api('DELETE', '/api/v1/mcp/servers/beta')).status).toBe(204);
    expect((await t.api('GET', '/api/v1/mcp/servers/beta')).status).toBe(404);
    expect((await t.api('DELETE', '/api/v1/mcp/servers/beta')).status).toBe(404);
  });

  it('rejects malformed and oversized bodies with a 4xx that names the body', async () => {
    const malformed = await t.api('POST', '/api/v1/mcp/servers', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^request body/);
    const huge = await t.api('POST', '/api/v1/mcp/servers', {
      ...valid,
      description: 'x'.repeat(2_000_000),
    });
    expect(huge.status).toBe(413);
  });

  it('reads and validates runtime config', async () => {
    const get = await t.api('GET', '/api/v1/config/circuit_breaker');
    expect(get.body.value.failure_threshold).toBe(5);
    const bad = await t.api('PUT', '/api/v1/config/health_check', { interval_seconds: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['interval_seconds', 'timeout_seconds']),
    );
    expect((await t.api('GET', '/api/v1/config/nope')).status).toBe(404);
  });

  it('shows viewers where a server is but not how to reach it with credentials', async () => {
    const url = 'https://mcp.example.com/u/sk-live-abc123/mcp?key=q-secret';
    expect(
      (await t.api('POST', '/api/v1/mcp/servers', { name: 'zap', protocol: 'sse', url })).status,
    ).toBe(201);
    const stdio = {
      name: 'tool',
      protocol: 'stdio',
      command: 'node',
      args: ['--token', 'a-secret'],
      env: { API_KEY: 'k' },
      cwd: '/srv',
    };
    expect((await t.api('POST', '/api/v1/mcp/servers', stdio)).status).toBe(201);
    const viewer = await t.tokenFor('viewer');
    const operator = await t.tokenFor('operator');

    const asViewer = await t.api('GET', '/api/v1/mcp/servers/zap', undefined, { token: viewer });
    expect(asViewer.body.url).toBe('https://mcp.example.com');
    const listed = await t.api('GET', '/api/v1/mcp/servers', undefined, { token: viewer });
    expect(listed.text).not.toMatch(/sk-live|q-secret|a-secret|API_KEY|\/srv/);
    const tool = listed.body.items.find((s: { name: string }) => s.name === 'tool');
    expect(tool).toMatchObject({
      command: 'node',
      args: [],
      env: {},
      cwd: null,
      health_status: expect.any(String),
    });
    const filtered = await t.api('GET', '/api/v1/mcp/servers?q=zap', undefined, { token: viewer });
    expect(filtered.body.items[0].url).toBe('https://mcp.example.com');

    expect(
      (await t.api('GET', '/api/v1/mcp/servers/zap', undefined, { token: operator })).body.url,
    ).toBe(url);
    const full = await t.api('GET', '/api/v1/mcp/servers', undefined, { token: operator });
    expect(full.body.items.find((s: { name: string }) => s.name === 'tool')).toMatchObject({
      args: ['--token', 'a-secret'],
      env: { API_KEY: '***' },
      cwd: '/srv',
    });
    for (const name of ['zap', 'tool'])
      expect((await t.api('DELETE', `/api/v1/mcp/servers/${name}`)).status).toBe(204);
  });

  it('serves probes outside the API prefix and OpenAPI at /api/docs', async () => {
    expect((await t.api('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await t.api('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
    const spec = await t.api('GET', '/api/docs-json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/mcp/servers',
        '/api/v1/mcp/servers/{id}/health-check',
        '/api/v1/mcp/servers/{id}/tools/{tool}/execute',
      ]),
    );
  });
});
