import { pollUntil } from '../support/poll';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

/**
 * Forms against the gateway's validation (messages under the fields they name), and pages that
 * stay up when the API goes away or data is missing.
 */
describe('console: forms and resilience (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    await h.addServer('steady');
    await h.waitForStatus('steady', 'healthy');
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  const fieldError = (field: string) =>
    w.page.locator(`[data-field="${field}"]`).locator('xpath=..').locator('.field-error');

  it('adds a server after showing the gateway’s validation messages inline', async () => {
    w = await h.open('/servers');
    await w.page.locator('[data-server="steady"]').waitFor();
    await w.page.getByTestId('add-server').click();
    await w.page.locator('[data-field="name"]').fill('Not Valid');
    await w.page.locator('[data-field="url"]').fill('ftp://nope');
    // Not a number: sent as typed, so the gateway names the field (never a silent 30).
    await w.page.locator('[data-field="timeout_seconds"]').fill('30e');
    await w.page.getByTestId('save-server').click();
    await fieldError('name').first().waitFor();
    expect(await fieldError('name').first().textContent()).toContain('lowercase');
    expect(await fieldError('url').first().textContent()).toContain('http');
    expect(await fieldError('timeout_seconds').count()).toBeGreaterThan(0);
    await w.page.locator('[data-field="timeout_seconds"]').fill('30');

    const upstream = h.servers.get('steady')!.upstream;
    await w.page.locator('[data-field="name"]').fill('added-in-browser');
    await w.page.locator('[data-field="url"]').fill(upstream.registration('x')['url'] as string);
    await w.page.locator('[data-field="auth_type"]').selectOption('bearer');
    await w.page.locator('[data-field="auth_config.token"]').fill('s3cret-token');
    await w.page.getByTestId('save-server').click();
    await w.page.locator('[data-server="added-in-browser"]').waitFor();
    expect(await w.page.locator('o2-server-dialog').count()).toBe(0);

    // Reopened, the stored token shows as stored, never as its value.
    await w.page.locator('[data-server="added-in-browser"] [data-action="edit"]').click();
    await w.page.getByTestId('auth-stored').waitFor();
    expect(await w.page.locator('o2-server-dialog').innerHTML()).not.toContain('s3cret-token');
    await w.page.keyboard.press('Escape');
  });

  it('saves settings, and shows a rejected value under its field', async () => {
    w = await h.open('/settings');
    const section = w.page.locator('[data-section="circuit_breaker"]');
    await section.locator('[data-field="failure_threshold"]').waitFor();
    await section.locator('[data-field="failure_threshold"]').fill('0');
    await section.locator('[data-save="circuit_breaker"]').click();
    const error = section
      .locator('[data-field="failure_threshold"]')
      .locator('xpath=..')
      .locator('.field-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/1|greater|least/);

    await section.locator('[data-field="failure_threshold"]').fill('4');
    await section.locator('[data-save="circuit_breaker"]').click();
    await pollUntil(
      async () =>
        (await h.t.api('GET', '/api/v1/config/circuit_breaker')).body.value.failure_threshold,
      (v) => v === 4,
      { what: 'the saved threshold' },
    );
    // Every runtime key has its section; the event stream's is saved the same way.
    const events = w.page.locator('[data-section="events"]');
    await events.locator('[data-field="max_length"]').fill('5000');
    await events.locator('[data-save="events"]').click();
    await pollUntil(
      async () => (await h.t.api('GET', '/api/v1/config/events')).body.value.max_length,
      (v) => v === 5000,
      { what: 'the saved event stream length' },
    );

    // The table's k/threshold follows the setting.
    await w.page.locator('nav a[href="/servers"]').click();
    await pollUntil(
      () => w.page.locator('[data-server="steady"] [data-col="failures"]').textContent(),
      (t) => t === '0/4',
      { what: 'failures column with the new threshold' },
    );
  });

  it('keeps the page up and says why when the API becomes unreachable', async () => {
    w = await h.open('/servers');
    await w.page.locator('[data-server="steady"]').waitFor();
    await w.page.route('**/api/v1/**', (route) => route.abort('connectionrefused'));
    await w.page.getByRole('button', { name: 'Reload list' }).click();
    const banner = w.page.getByTestId('list-error');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('cannot be reached');
    // The last good rows stay on screen.
    expect(await w.page.locator('[data-server="steady"]').count()).toBe(1);
    await w.page.locator('[data-server="steady"] a').first().click();
    await w.page.getByTestId('detail-name').waitFor();
    await w.page.getByTestId('caps-unavailable').waitFor();
    await w.page.unroute('**/api/v1/**');
  });

  it('shows a server that has never answered with dashes, not errors', async () => {
    const res = await h.t.api('POST', '/api/v1/mcp/servers', {
      name: 'never-seen',
      protocol: 'streamable_http',
      url: 'http://127.0.0.1:9/mcp',
      status: 'inactive',
    });
    expect(res.status).toBe(201);
    w = await h.open(`/servers/${res.body.id}`);
    await w.page.getByTestId('detail-name').waitFor();
    await w.page.getByText('No health checks recorded yet.').waitFor();
    await w.page.goto('/servers?q=never');
    const row = w.page.locator('[data-server="never-seen"]');
    await row.waitFor();
    expect((await row.textContent()) ?? '').toContain('—');
    expect(await row.locator('[data-action="check"]').isDisabled()).toBe(true);
  });
});
