import type { AuditPage, McpServerView } from '@omni2/contracts';
import { type OAuthUpstream, startOAuthUpstream } from '@omni2/testkit';
import type { Page } from 'playwright-core';
import { pollUntil } from '../support/poll';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

const NAME = 'needs-operator';

/**
 * Issue 16 in the browser (SPEC §11): an operator clicks Authorize in the console, approves on the
 * authorization server's consent page (the testkit's oidc-provider, in its own process) in the
 * tab the console opened, lands on omni2's callback, and the console's page, never reloaded,
 * shows the server healthy. The coordinator is off, so the only check after the callback is the
 * one the callback itself runs, and the page learns of it over the realtime feed.
 */
describe('console: operator OAuth authorization (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;
  let upstream: OAuthUpstream;
  let server: McpServerView;

  beforeAll(async () => {
    h = await ConsoleHarness.start({ OMNI2_COORDINATOR: 'off' });
    upstream = await startOAuthUpstream();
    const res = await h.t.api<McpServerView>('POST', '/api/v1/mcp/servers', {
      name: NAME,
      protocol: 'streamable_http',
      url: upstream.url,
      auth_type: 'oauth',
      auth_config: { grant: 'authorization_code' },
    });
    if (res.status !== 201) throw new Error(`register ${NAME}: ${res.status} ${res.text}`);
    server = res.body;
    // One check, so the gateway has seen that it holds no token (no coordinator to do it).
    const check = await h.t.api('POST', `/api/v1/mcp/servers/${NAME}/health-check`);
    if (check.status !== 200) throw new Error(`check ${NAME}: ${check.status} ${check.text}`);
    await h.waitForStatus(NAME, 'auth_required');
  });

  afterAll(async () => {
    await h?.close();
    await upstream?.stop();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  const badge = (page: Page) => page.locator('.page-head .badge[data-status]');
  const badgeText = async (page: Page) => (await badge(page).textContent())?.trim();

  it('authorizes from the detail page: approve in the new tab, healthy without a reload', async () => {
    w = await h.open(`/servers/${server.id}`);
    const { page, context } = w;
    await page.getByTestId('detail-name').waitFor();
    await pollUntil(
      () => badgeText(page),
      (text) => text === 'authorization needed',
      { what: 'the "authorization needed" badge', timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(await badge(page).getAttribute('data-status')).toBe('auth_required');
    await page.getByTestId('auth-banner').waitFor();
    // Status changes reach the page over the realtime feed: wait until it is connected.
    await pollUntil(
      () => page.getByTestId('socket-indicator').getAttribute('data-state'),
      (state) => state === 'live',
      { what: 'the live feed', timeoutMs: 10_000, intervalMs: 100 },
    );
    // A mark in the document: still there at the end means the page never reloaded.
    await page.evaluate(() => {
      (globalThis as unknown as { o2Mark: number }).o2Mark = 1;
    });

    const authorize = page.locator('.page-head [data-action="authorize"]');
    expect((await authorize.textContent())?.trim()).toBe('Authorize');
    const [tab] = await Promise.all([context.waitForEvent('page'), authorize.click()]);
    const tabErrors: string[] = [];
    tab.on('pageerror', (error) => tabErrors.push(error.message));

    // The authorization server's consent page, in the new tab.
    await tab.waitForLoadState('domcontentloaded');
    expect(new URL(tab.url()).origin).toBe(upstream.issuer);
    const approve = tab.getByRole('button', { name: 'Approve' });
    await approve.waitFor();
    // Meanwhile the console says it is waiting for this authorization.
    const waiting = page.getByTestId('oauth-waiting');
    await waiting.waitFor();
    expect(await waiting.textContent()).toMatch(/Waiting for authorization \(expires \d\d:\d\d\)/);

    await approve.click();
    // The authorization server redirects the tab to omni2's callback.
    await tab.waitForURL((url) => url.href.startsWith(`${h.baseUrl}/api/v1/oauth/callback?`));
    await tab.getByRole('heading', { name: `omni2 is authorized for ${NAME}` }).waitFor();
    expect(await tab.textContent('body')).toContain('You can close this tab.');
    expect(tabErrors).toEqual([]);

    // The original page turns healthy on its own.
    await pollUntil(
      () => badgeText(page),
      (text) => text === 'healthy',
      { what: 'the healthy badge, without a reload', timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(await badge(page).getAttribute('data-status')).toBe('healthy');
    expect(await page.evaluate(() => (globalThis as unknown as { o2Mark?: number }).o2Mark)).toBe(
      1,
    );
    // Nothing asks for authorization any more: no banner, no waiting line, Authorize not primary.
    expect(await page.getByTestId('auth-banner').count()).toBe(0);
    expect(await page.getByTestId('oauth-waiting').count()).toBe(0);
    expect((await h.t.api<McpServerView>('GET', `/api/v1/mcp/servers/${NAME}`)).body).toMatchObject(
      { health_status: 'healthy', last_error_kind: null },
    );

    // Who authorized it is on record.
    const audit = await h.t.api<AuditPage>('GET', '/api/v1/audit?action=server.oauth_authorized');
    expect(audit.body.items[0]).toMatchObject({
      actor: 'admin',
      actor_kind: 'user',
      target_name: NAME,
      details: { outcome: 'ok' },
    });
  });
});
