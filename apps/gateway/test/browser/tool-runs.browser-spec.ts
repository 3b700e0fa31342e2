import { pollUntil } from '../support/poll';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

/**
 * Issue 18, item 11 in the console: a slow tool shows its progress live with the time elapsed;
 * Cancel stops it (the server is told) and the run shows as Cancelled, calmly, not as an error.
 */
describe('console: long tool runs (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    await h.addServer('slow', 'streamable_http', { longRunningTools: true });
    await h.waitForStatus('slow', 'healthy');
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  it('shows progress as it comes, then cancels the run and says so calmly', async () => {
    const slow = h.servers.get('slow')!;
    w = await h.open(`/servers/${slow.id}`);
    await w.page.locator('[data-tool="progress"]').click();
    await w.page.locator('[data-mode="json"]').click();
    await w.page.locator('[data-field="raw-json"]').fill('{"steps": 400, "interval_ms": 100}');
    const cancel = w.page.getByTestId('cancel-run');
    expect(await cancel.isDisabled()).toBe(true);
    await w.page.getByTestId('run-tool').click();

    const bar = w.page.getByTestId('progress-bar');
    await bar.waitFor();
    expect(await bar.getAttribute('max')).toBe('400');
    await pollUntil(
      async () => Number(await bar.getAttribute('value')),
      (v) => v >= 2,
      { what: 'the progress bar to move' },
    );
    expect(await w.page.getByTestId('progress-message').textContent()).toMatch(/step \d+ of 400/);
    expect(await w.page.getByTestId('run-elapsed').textContent()).toContain('elapsed');

    expect(await cancel.isDisabled()).toBe(false);
    await cancel.click();
    const result = w.page.getByTestId('tool-result');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('cancelled');
    expect(await result.textContent()).toContain('Cancelled');
    expect(await result.getAttribute('class')).not.toContain('result-error');
    expect(await w.page.getByTestId('run-progress').count()).toBe(0);
    expect(await cancel.isDisabled()).toBe(true);

    // The server heard of it, and the run did not count against it.
    await pollUntil(
      () => slow.upstream.notifications().some((n) => n.method === 'notifications/cancelled'),
      Boolean,
      { what: 'notifications/cancelled upstream' },
    );
    const row = (await h.t.api('GET', '/api/v1/mcp/servers/slow')).body;
    expect([row.consecutive_failures, row.circuit_state]).toEqual([0, 'closed']);
  });
});
