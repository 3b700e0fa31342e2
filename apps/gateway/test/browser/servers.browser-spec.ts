import { pollUntil } from '../support/poll';
import { ConsoleHarness } from './support/console-harness';
import type { WatchedPage } from './support/browser';

/**
 * The console against the real gateway and real MCP servers: the servers table, check now, the
 * tool tester, and a status change arriving live without a reload.
 */
describe('console: servers (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    await h.addServer('alpha');
    await h.addServer('bravo', 'sse');
    await h.addServer('charlie');
    await h.addServer('delta', 'streamable_http', { mode: 'failing' });
    await h.waitForStatus('alpha', 'healthy');
    await h.waitForStatus('delta', 'circuit_open');
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    // No page may crash, whatever the servers do.
    expect(w?.errors ?? []).toEqual([]);
  });

  const row = (name: string) => w.page.locator(`[data-server="${name}"]`);

  it('renders the table with a status badge (colour and text) per server', async () => {
    w = await h.open('/servers');
    await row('alpha').waitFor();
    for (const name of ['alpha', 'bravo', 'charlie', 'delta']) {
      await row(name).waitFor();
    }
    await pollUntil(
      () => row('alpha').locator('.badge[data-status]').textContent(),
      (t) => t?.trim() === 'healthy',
      { what: 'alpha healthy badge' },
    );
    expect((await row('delta').locator('.badge[data-status]').textContent())?.trim()).toBe(
      'circuit open',
    );
    expect(await row('delta').locator('.badge[data-status]').getAttribute('data-status')).toBe(
      'circuit_open',
    );
    // failures k/threshold with the threshold from the settings API (2 here, not the default 5)
    expect(await row('delta').locator('[data-col="failures"]').textContent()).toMatch(/^\d+\/2$/);
    expect(await w.page.getByTestId('row-count').textContent()).toBe('4 of 4');
  });

  it('deep links load the console (SPA fallback)', async () => {
    const alpha = h.servers.get('alpha')!;
    w = await h.open(`/servers/${alpha.id}`);
    await w.page.getByTestId('detail-name').waitFor();
    expect(await w.page.getByTestId('detail-name').textContent()).toBe('alpha');
  });

  it('check now shows a spinner, then the fresh status from the answer', async () => {
    w = await h.open('/servers');
    const button = row('charlie').locator('[data-action="check"]');
    await button.waitFor();
    await button.click();
    const flash = row('charlie').getByTestId('flash');
    await flash.waitFor();
    expect(await flash.textContent()).toMatch(/^ok · \d+ ms$/);
  });

  it('the tool tester runs a tool from a generated form and shows the result', async () => {
    const alpha = h.servers.get('alpha')!;
    w = await h.open(`/servers/${alpha.id}`);
    await w.page.locator('[data-tool="add"]').click();
    await w.page.locator('[data-field="a"]').fill('2');
    await w.page.locator('[data-field="b"]').fill('40');
    await w.page.getByTestId('run-tool').click();
    const result = w.page.getByTestId('tool-result');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('ok');
    expect(await result.locator('pre').first().textContent()).toBe('42');
    expect(await result.textContent()).toContain('"sum": 42');
  });

  it('shows the gateway’s validation errors next to the tool’s fields', async () => {
    const alpha = h.servers.get('alpha')!;
    w = await h.open(`/servers/${alpha.id}`);
    await w.page.locator('[data-tool="echo"]').click();
    await w.page.locator('[data-mode="json"]').click();
    await w.page.locator('[data-field="raw-json"]').fill('{"text": 5}');
    await w.page.getByTestId('run-tool').click();
    const result = w.page.getByTestId('tool-result');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('api-error');
    expect(await result.textContent()).toContain('TOOL_ARGUMENTS_INVALID');
    expect(await result.textContent()).toContain('arguments.text');
  });

  it('a server going down changes its badge live, then a toast says so', async () => {
    w = await h.open('/servers');
    await pollUntil(
      () => row('bravo').locator('.badge[data-status]').getAttribute('data-status'),
      (s) => s === 'healthy',
      { what: 'bravo healthy in the page' },
    );
    await pollUntil(
      () => w.page.getByTestId('socket-indicator').getAttribute('data-state'),
      (s) => s === 'live',
      { what: 'the live feed' },
    );
    // A mark in the document: still there at the end means the page never reloaded.
    await w.page.evaluate(() => {
      (globalThis as unknown as { o2Mark: number }).o2Mark = 1;
    });
    h.servers.get('bravo')!.upstream.setBehaviour({ mode: 'failing' });
    // When the gateway has decided (its API says so) and when the page shows it.
    const [apiAt, pageAt] = await Promise.all([
      h.waitForStatus('bravo', 'circuit_open').then(() => Date.now()),
      pollUntil(
        () => row('bravo').locator('.badge[data-status]').getAttribute('data-status'),
        (s) => s === 'circuit_open',
        { what: 'bravo circuit open in the page, without reload', timeoutMs: 20_000 },
      ).then(() => Date.now()),
    ]);
    console.log(
      `status change: page badge at ${pageAt - apiAt} ms from the API's (poll every 100 ms)`,
    );
    expect(pageAt - apiAt).toBeLessThan(2000);
    expect(await w.page.evaluate(() => (globalThis as unknown as { o2Mark?: number }).o2Mark)).toBe(
      1,
    );
    const toast = w.page.getByTestId('toast').filter({ hasText: 'bravo' });
    await toast.first().waitFor({ timeout: 10_000 });
    expect(await toast.first().textContent()).toContain('circuit open');
  });

  it('live updates never close an open dialog or lose what is typed in it', async () => {
    const echo = await h.addServer('echo-dialog');
    await h.waitForStatus('echo-dialog', 'healthy');
    w = await h.open('/servers');
    await pollUntil(
      () => row('echo-dialog').locator('.badge[data-status]').getAttribute('data-status'),
      (s) => s === 'healthy',
      { what: 'echo-dialog healthy in the page' },
    );
    await row('echo-dialog').locator('[data-action="edit"]').click();
    const description = w.page.locator('o2-server-dialog [data-field="description"]');
    await description.fill('typed while the server fails');
    echo.upstream.setBehaviour({ mode: 'failing' });
    await pollUntil(
      () => row('echo-dialog').locator('.badge[data-status]').getAttribute('data-status'),
      (s) => s === 'circuit_open',
      { what: 'the row behind the dialog to change', timeoutMs: 20_000 },
    );
    expect(await w.page.locator('o2-server-dialog').count()).toBe(1);
    expect(await description.inputValue()).toBe('typed while the server fails');
    await w.page.keyboard.press('Escape');
  });

  it('falls back to polling GET /events while the socket is down, then goes live again', async () => {
    w = await h.open('/servers');
    const indicator = w.page.getByTestId('socket-indicator');
    await pollUntil(
      () => indicator.getAttribute('data-state'),
      (s) => s === 'live',
      {
        what: 'live',
      },
    );
    // Cut the socket (its handshake and long-polling run over /socket.io/); the API still works.
    await w.page.route('**/socket.io/**', (route) => route.abort('connectionrefused'));
    // A network blip drops the open WebSocket; reconnecting then fails on the route above.
    await w.page.context().setOffline(true);
    await w.page.context().setOffline(false);
    await pollUntil(
      () => indicator.getAttribute('data-state'),
      (s) => s === 'polling',
      {
        what: 'polling fallback',
        timeoutMs: 20_000,
      },
    );
    h.servers.get('charlie')!.upstream.setBehaviour({ mode: 'failing' });
    await pollUntil(
      () => row('charlie').locator('.badge[data-status]').getAttribute('data-status'),
      (s) => s === 'circuit_open',
      { what: 'charlie circuit open, delivered by polling', timeoutMs: 20_000 },
    );
    expect(await indicator.getAttribute('data-state')).toBe('polling');
    await w.page.unroute('**/socket.io/**');
    await pollUntil(
      () => indicator.getAttribute('data-state'),
      (s) => s === 'live',
      {
        what: 'live again after the socket came back',
        timeoutMs: 20_000,
      },
    );
  });
});
