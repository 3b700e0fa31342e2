import { pollUntil } from '../support/poll';
import { startUpstream, type Upstream } from '../support/upstreams';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

/**
 * Issue 18 item 6 in the browser: the Add dialog tests a connection before anything is saved,
 * and a saved server's first check is shown at once. The coordinator is off, so every check seen
 * here was run by the console's own request, not by a scheduled tick.
 */
describe('console: test connection and the first check (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;
  let upstream: Upstream | null = null;

  beforeAll(async () => {
    h = await ConsoleHarness.start({ OMNI2_COORDINATOR: 'off' });
  });

  afterAll(async () => {
    await h?.close();
    await upstream?.stop();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  const serverCount = async () =>
    (await h.t.api('GET', '/api/v1/mcp/servers')).body.total as number;

  it('reports a closed port as unreachable from the Add dialog, and saves nothing', async () => {
    w = await h.open('/servers');
    await w.page.getByTestId('add-server').click();
    const button = w.page.getByTestId('test-connection');
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    expect(await w.page.getByTestId('test-why').textContent()).toContain('Enter a name first');

    await w.page.locator('[data-field="name"]').fill('closed-port');
    await w.page.locator('[data-field="url"]').fill('http://127.0.0.1:9/mcp');
    expect(await button.isDisabled()).toBe(false);
    await button.click();
    const result = w.page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('false');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('Failed at connecting: unreachable');
    expect(text).toContain('no connection to the server');
    // The dialog is still open, and nothing was registered.
    expect(await w.page.locator('o2-server-dialog').count()).toBe(1);
    expect(await serverCount()).toBe(0);
    await w.page.keyboard.press('Escape');
  });

  it('saves a working server and shows its first check as healthy without the coordinator', async () => {
    upstream = await startUpstream('streamable_http');
    w = await h.open('/servers');
    await w.page.getByTestId('add-server').click();
    await w.page.locator('[data-field="name"]').fill('works');
    await w.page.locator('[data-field="url"]').fill(upstream.registration('x')['url'] as string);

    // A test first: reachable, with the tools it found.
    await w.page.getByTestId('test-connection').click();
    const result = w.page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toMatch(/Reachable.*legacy era.*found \d+ tools/s);

    await w.page.getByTestId('save-server').click();
    const row = w.page.locator('[data-server="works"]');
    await row.waitFor();
    await w.page.getByTestId('toast').filter({ hasText: 'works: first check healthy' }).waitFor();
    await pollUntil(
      async () => (await row.locator('.badge').textContent())?.trim(),
      (status) => status === 'healthy',
      { what: 'the new row healthy from its first check', timeoutMs: 5_000 },
    );
    const server = (await h.t.api('GET', '/api/v1/mcp/servers/works')).body;
    expect(server.health_status).toBe('healthy');
    expect(server.last_health_check).not.toBeNull();
  });
});
