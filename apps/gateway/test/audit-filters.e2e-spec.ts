import { AUDIT_ACTIONS, type AuditEntryView, type AuditPage } from '@omni2/contracts';
import fc from 'fast-check';
import { FC_PARAMS, oddString } from './support/odd-input';
import { pollUntil } from './support/poll';
import { callApi, startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 18, item 10: the audit log filtered by actor, action, server and time. Entries come from
 * real audited actions, by the admin (a user) and by an operator API key; every filter alone and
 * combined returns exactly the matching entries, paging works with filters, bad filters are 400s
 * naming the field, and only admins read the log.
 */
describe('audit log filters (e2e)', () => {
  let t: TestApp;
  let opsKey: { id: string; key: string };
  const ids: Record<string, string> = {};
  /** Between phase one and phase two: every phase-one entry is older, every phase-two one newer. */
  let boundary: string;

  const page = (query: string, token?: string | null) =>
    t.api<AuditPage>('GET', `/api/v1/audit${query}`, undefined, { token });
  /** The entries a query returns (one page of up to 500), without the sign-ins. */
  const entries = async (query: string): Promise<AuditEntryView[]> => {
    const res = await page(`?limit=500${query ? `&${query}` : ''}`);
    expect(res.status).toBe(200);
    return res.body.items.filter((e) => !e.action.startsWith('auth.'));
  };
  /** `action target` of each entry, oldest first: what a filter is expected to select. */
  const summary = (items: AuditEntryView[]) =>
    items.map((e) => `${e.actor} ${e.action} ${e.target_name ?? e.target_id ?? '-'}`).reverse();
  const summaryOf = async (query: string) => summary(await entries(query));

  const create = async (name: string) => {
    const res = await t.api('POST', '/api/v1/mcp/servers', {
      name,
      protocol: 'sse',
      url: 'http://127.0.0.1:9/sse',
      status: 'inactive',
    });
    expect(res.status).toBe(201);
    ids[name] = res.body.id;
  };
  const asKey = (method: string, path: string, body?: unknown) =>
    t.api(method, `/api/v1${path}`, body, { token: opsKey.key });

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_COORDINATOR: 'off' });
    // Phase one: the admin registers servers and makes an operator key.
    for (const name of ['alpha', 'beta', 'gamma']) await create(name);
    const key = await t.api('POST', '/api/v1/api-keys', { name: 'ops-key', role: 'operator' });
    expect(key.status).toBe(201);
    opsKey = { id: key.body.id, key: key.body.key };
    await pollUntil(
      () => entries(''),
      (items) => items.length === 4,
      { what: 'phase one recorded' },
    );
    boundary = new Date().toISOString();
    await pollUntil(
      () => Date.now(),
      (now) => now > Date.parse(boundary),
    );
    // Phase two: the key acts on servers by id and by name; the admin edits and deletes.
    expect((await asKey('POST', `/mcp/servers/${ids.beta}/enable`)).status).toBe(200);
    expect((await asKey('POST', `/mcp/servers/${ids.beta}/disable`)).status).toBe(200);
    expect((await asKey('POST', '/mcp/servers/alpha/circuit/reset')).status).toBe(200);
    // Refused (operators cannot edit) and recorded all the same; with nothing returned to name
    // the target, one entry holds only the id and the other only the name.
    expect((await asKey('PATCH', `/mcp/servers/${ids.alpha}`, { description: 'x' })).status).toBe(
      403,
    );
    expect((await asKey('PATCH', '/mcp/servers/alpha', { description: 'x' })).status).toBe(403);
    const edit = await t.api('PATCH', `/api/v1/mcp/servers/${ids.alpha}`, { description: 'y' });
    expect(edit.status).toBe(200);
    expect((await t.api('DELETE', '/api/v1/mcp/servers/gamma')).status).toBe(204);
    await pollUntil(
      () => entries(''),
      (items) => items.length === 11,
      { what: 'phase two recorded' },
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('unfiltered, shows every entry (the fixture as recorded)', async () => {
    expect(await summaryOf('')).toEqual([
      'admin server.create alpha',
      'admin server.create beta',
      'admin server.create gamma',
      'admin api_key.create ops-key',
      'ops-key server.enable beta',
      'ops-key server.disable beta',
      'ops-key server.circuit_reset alpha',
      `ops-key server.update ${ids.alpha}`,
      'ops-key server.update alpha',
      'admin server.update alpha',
      'admin server.delete gamma',
    ]);
  });

  it('by action: one, or several comma-separated', async () => {
    expect(await summaryOf('action=server.create')).toEqual([
      'admin server.create alpha',
      'admin server.create beta',
      'admin server.create gamma',
    ]);
    expect(await summaryOf('action=server.delete,api_key.create')).toEqual([
      'admin api_key.create ops-key',
      'admin server.delete gamma',
    ]);
    expect(await summaryOf('action=prompt.get')).toEqual([]);
    // Sign-ins are actions too.
    const logins = (await page('?action=auth.login')).body.items;
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((e) => e.action === 'auth.login')).toBe(true);
  });

  it('by actor: a user name, an API key name, an API key id', async () => {
    const byKey = [
      'ops-key server.enable beta',
      'ops-key server.disable beta',
      'ops-key server.circuit_reset alpha',
      `ops-key server.update ${ids.alpha}`,
      'ops-key server.update alpha',
    ];
    expect(await summaryOf('actor=ops-key')).toEqual(byKey);
    expect(await summaryOf(`actor=${opsKey.id}`)).toEqual(byKey);
    expect(await summaryOf(`actor=${opsKey.id.toUpperCase()}`)).toEqual(byKey);
    expect(await summaryOf('actor=admin')).toEqual([
      'admin server.create alpha',
      'admin server.create beta',
      'admin server.create gamma',
      'admin api_key.create ops-key',
      'admin server.update alpha',
      'admin server.delete gamma',
    ]);
    expect(await summaryOf('actor=ops')).toEqual([]);
    expect(await summaryOf('actor_kind=api_key')).toEqual(byKey);
  });

  it('by server: its name or its id finds entries that recorded either', async () => {
    const alpha = [
      'admin server.create alpha',
      'ops-key server.circuit_reset alpha',
      `ops-key server.update ${ids.alpha}`,
      'ops-key server.update alpha',
      'admin server.update alpha',
    ];
    expect(await summaryOf('server=alpha')).toEqual(alpha);
    expect(await summaryOf(`server=${ids.alpha}`)).toEqual(alpha);
    expect(await summaryOf(`server=${ids.alpha.toUpperCase()}`)).toEqual(alpha);
    // Deleted (by name): still found by the name its entries recorded.
    expect(await summaryOf('server=gamma')).toEqual([
      'admin server.create gamma',
      'admin server.delete gamma',
    ]);
    expect(await summaryOf('server=nothing-here')).toEqual([]);
    // A key named like a server is not a server target.
    expect(await summaryOf('server=ops-key')).toEqual([]);
  });

  it('by time: from is inclusive, to exclusive', async () => {
    const after = await summaryOf(`from=${boundary}`);
    const before = await summaryOf(`to=${boundary}`);
    expect(before).toEqual([
      'admin server.create alpha',
      'admin server.create beta',
      'admin server.create gamma',
      'admin api_key.create ops-key',
    ]);
    expect(after).toHaveLength(7);
    expect(after[0]).toBe('ops-key server.enable beta');
    const all = await entries('');
    const first = all[all.length - 1].created_at;
    expect((await entries(`from=${first}&to=${first}`)).length).toBe(0);
    expect((await entries(`from=${first}`)).length).toBe(11);
    expect(await summaryOf('from=2000-01-01&to=2001-01-01')).toEqual([]);
    // A zone offset is honoured: the same instant written another way.
    const shifted = new Date(Date.parse(boundary) + 2 * 3_600_000)
      .toISOString()
      .replace('Z', '+02:00');
    expect(await summaryOf(`from=${encodeURIComponent(shifted)}`)).toEqual(after);
  });

  it('combined filters are ANDed', async () => {
    expect(await summaryOf('actor=ops-key&action=server.disable')).toEqual([
      'ops-key server.disable beta',
    ]);
    expect(await summaryOf(`server=alpha&from=${boundary}&actor=admin`)).toEqual([
      'admin server.update alpha',
    ]);
    expect(await summaryOf(`server=beta&to=${boundary}`)).toEqual(['admin server.create beta']);
    expect(
      await summaryOf(
        `actor=${opsKey.id}&action=server.circuit_reset,server.update&server=${ids.alpha}&from=${boundary}`,
      ),
    ).toEqual([
      'ops-key server.circuit_reset alpha',
      `ops-key server.update ${ids.alpha}`,
      'ops-key server.update alpha',
    ]);
    expect(await summaryOf('actor=admin&action=server.enable')).toEqual([]);
  });

  it('pages with filters: the pages together are the whole filtered list, in order', async () => {
    const query = `actor=ops-key&from=${boundary}`;
    const whole = await entries(query);
    expect(whole).toHaveLength(5);
    const seen: AuditEntryView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await page(`?limit=2&${query}${cursor ? `&before=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((e) => e.id)).toEqual(whole.map((e) => e.id));
  });

  it.each([
    ['from=yesterday', 'from'],
    ['from=2026-02-30T00:00:00Z', 'from'],
    ['to=2026-01-01T10:00:00', 'to'],
    ['to=1e309', 'to'],
    ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
    ['action=server.explode', 'action'],
    ['action=server.create,nope', 'action'],
    ['actor_kind=robot', 'actor_kind'],
    ['actor=a&actor=b', 'actor'],
    ['server=a&server=b', 'server'],
    [`server=${'x'.repeat(257)}`, 'server'],
    ['limit=0', 'limit'],
    ['limit=ten', 'limit'],
    ['before=abc', 'before'],
    ['colour=red', 'colour'],
  ])('?%s is a 400 naming %s', async (query, field) => {
    const res = await t.api('GET', `/api/v1/audit?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('an empty filter is no filter (as before filters existed)', async () => {
    expect((await entries('actor=&action=&server=&from=&to=')).length).toBe(11);
  });

  it('viewers and operators (users and keys) get 403; no credential 401', async () => {
    for (const token of [await t.tokenFor('viewer'), await t.tokenFor('operator'), opsKey.key]) {
      expect((await page('?action=server.create', token)).status).toBe(403);
    }
    expect((await page('?action=server.create', null)).status).toBe(401);
  });

  it('fuzz: odd filter values, repeated and unknown parameters are never a 500', async () => {
    const field = fc.constantFrom(
      'actor',
      'actor_kind',
      'action',
      'server',
      'target_id',
      'from',
      'to',
      'before',
      'limit',
    );
    const rawValue = fc.oneof(
      fc.constantFrom(
        '%00',
        '%ED%A0%80',
        '%F0%9F%98%80',
        '%',
        '%zz',
        '',
        '[]',
        '{}',
        'null',
        'true',
        '-1',
        '1e309',
        'NaN',
        '0x10',
        '99999999999999999999',
        '+275760-09-13T00:00:00Z',
        '-271821-04-20T00:00:00Z',
        '9999-12-31T23:59:59.999-23:59',
        '0000-01-01T00:00:00Z',
        'a'.repeat(5_000),
        AUDIT_ACTIONS.join(','),
        ',,,',
        '00000000-0000-0000-0000-000000000000',
        'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      ),
      fc.constantFrom(...AUDIT_ACTIONS),
      fc.date({ noInvalidDate: true }).map((d) => encodeURIComponent(d.toISOString())),
      oddString(30).map((s) => encodeURIComponent(s.toWellFormed())),
      // Lone surrogates as sent by a careless client: encoded as their UTF-8-like bytes.
      oddString(8).map((s) => (s.isWellFormed() ? encodeURIComponent(s) : '%ED%B0%80')),
    );
    const name = fc.oneof(
      { weight: 6, arbitrary: field },
      {
        weight: 1,
        arbitrary: fc.constantFrom('actor[]', 'action[0]', 'from[a]', '%00', 'x', '__proto__'),
      },
    );
    const query = fc
      .array(fc.tuple(name, rawValue), { minLength: 1, maxLength: 5 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
    const queries = fc.sample(query, { seed: FC_PARAMS.seed, numRuns: 150 });
    const failures: string[] = [];
    for (const q of queries) {
      const res = await callApi<any>(
        t.baseUrl,
        'GET',
        `/api/v1/audit?${q}`,
        undefined,
        t.adminToken,
      );
      if (res.status >= 500)
        failures.push(`${q.slice(0, 120)} -> ${res.status} ${res.text.slice(0, 200)}`);
      if (res.status === 400) expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect(failures).toEqual([]);
  });
});
