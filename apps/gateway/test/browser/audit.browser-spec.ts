import { pollUntil } from '../support/poll';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

/** IAM > Audit log: filters narrow the rows on the gateway; details read as lines, not JSON. */
describe('console: audit log filters (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    await h.addServer('echo-one');
    await h.waitForStatus('echo-one', 'healthy');
    const key = await h.t.api('POST', '/api/v1/api-keys', { name: 'ops-key', role: 'operator' });
    expect(key.status).toBe(201);
    const check = await h.t.api('POST', '/api/v1/mcp/servers/echo-one/health-check', undefined, {
      token: key.body.key,
    });
    expect(check.status).toBe(200);
    // Recorded (the audit route flushes what is queued before it answers).
    await pollUntil(
      async () => (await h.t.api('GET', '/api/v1/audit?action=server.check')).body.items.length,
      (n) => n === 1,
      { what: 'the check audited' },
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  /** The action of every row shown, once the table has settled on `done`. */
  const shownActions = (done: (actions: string[]) => boolean, what: string) =>
    pollUntil(
      () =>
        w.page
          .locator('[data-testid="audit"] [data-audit]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action') ?? '')),
      done,
      { what, intervalMs: 50 },
    );

  it('filters by action and actor, shows details as text lines, and clears', async () => {
    w = await h.open('/iam');
    await w.page.locator('[data-tab="audit"]').click();
    const all = await shownActions(
      (a) => a.includes('server.create') && a.includes('server.check'),
      'the whole log',
    );
    expect(all).toContain('api_key.create');

    await w.page.getByLabel('Action').selectOption('server.check');
    expect(await shownActions((a) => a.length === 1, 'only the check')).toEqual(['server.check']);
    const row = w.page.locator('[data-audit][data-action="server.check"]');
    expect((await row.textContent()) ?? '').toContain('ops-key');
    const details = row.getByTestId('audit-details');
    const lines = await details
      .locator('[data-detail]')
      .evaluateAll((items) =>
        items.map(
          (d) =>
            `${d.querySelector('dt')?.textContent?.trim()}: ${d.querySelector('dd')?.textContent?.trim()}`,
        ),
      );
    expect(lines).toContain('outcome: ok');
    expect(lines).toContain('status: 200');
    expect((await details.textContent()) ?? '').not.toMatch(/[{}]/);

    // Another actor with the same action: nothing matches, and the way out is offered.
    await w.page.getByLabel('Actor').fill('admin');
    await w.page.getByTestId('audit-empty').getByText('No entries match').waitFor();
    await w.page.getByTestId('audit-empty-clear').click();
    const cleared = await shownActions(
      (a) => a.includes('server.create') && a.includes('server.check'),
      'the whole log again',
    );
    expect(cleared.length).toBe(all.length);
    expect(await w.page.getByLabel('Actor').inputValue()).toBe('');
  });
});
