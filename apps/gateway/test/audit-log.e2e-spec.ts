import { Client } from 'pg';
import { pollUntil } from './support/poll';
import { callApi, startTestApp, type TestApp } from './support/test-app';

/**
 * Issue 13, defect 1: when the database stops taking audit entries they wait and are retried,
 * readiness says so, and past the backlog limit audited actions are refused rather than run
 * unrecorded. Nothing accepted is lost.
 */
describe('audit log outage (e2e)', () => {
  let t: TestApp;
  let pg: Client;

  beforeAll(async () => {
    t = await startTestApp({ OMNI2_AUDIT_MAX_PENDING: '3', OMNI2_AUDIT_STALL_SECONDS: '1' });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    const create = await t.api('POST', '/api/v1/mcp/servers', {
      name: 'svc',
      protocol: 'sse',
      url: 'http://127.0.0.1:9/sse',
      status: 'inactive',
    });
    expect(create.status).toBe(201);
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  const edit = (n: number) =>
    t.api('PATCH', '/api/v1/mcp/servers/svc', { description: `edit ${n}` });
  const ready = () => callApi<any>(t.baseUrl, 'GET', '/health/ready', undefined, null);
  const edits = async () =>
    Number(
      (await pg.query(`SELECT count(*) AS n FROM omni2.audit_log WHERE action = 'server.update'`))
        .rows[0].n,
    );

  it('keeps entries while the table is away, refuses past the backlog, and catches up', async () => {
    expect((await ready()).status).toBe(200);
    // The registration's own entry is written before the table goes away.
    await pollUntil(
      async () =>
        Number(
          (
            await pg.query(
              `SELECT count(*) AS n FROM omni2.audit_log WHERE action = 'server.create'`,
            )
          ).rows[0].n,
        ),
      (n) => n === 1,
      { what: 'the registration audited' },
    );
    await pg.query('ALTER TABLE omni2.audit_log RENAME TO audit_log_away');
    try {
      for (let n = 1; n <= 3; n++) expect((await edit(n)).status).toBe(200);
      const refused = await edit(4);
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        details: { dependency: 'audit_log' },
      });
      expect(refused.headers.get('retry-after')).toBe('5');
      // The refused edit did not run.
      expect((await t.api('GET', '/api/v1/mcp/servers/svc')).body.description).toBe('edit 3');
      const unready = await pollUntil(ready, (r) => r.status === 503, {
        what: 'readiness to report the audit log',
      });
      expect(unready.body.error.audit_log).toMatchObject({
        status: 'down',
        pending_entries: 3,
        reason: 'audit entries are not being written',
      });
      const metrics = await callApi<string>(t.baseUrl, 'GET', '/metrics', undefined, null);
      expect(metrics.text).toMatch(/^omni2_audit_pending_entries 3$/m);
      expect(metrics.text).toMatch(/^omni2_audit_refused_requests_total 1$/m);
    } finally {
      await pg.query('ALTER TABLE omni2.audit_log_away RENAME TO audit_log');
    }
    await pollUntil(edits, (n) => n === 3, { what: 'the three kept entries written' });
    await pollUntil(ready, (r) => r.status === 200, { what: 'ready again' });
    expect((await edit(5)).status).toBe(200);
    await pollUntil(edits, (n) => n === 4, { what: 'a new entry written at once' });
  });
});
