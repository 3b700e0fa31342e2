import { pollUntil } from '../support/poll';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

const COUNT = 1000;

/**
 * The servers page with 1,000 servers: rendered, searched, sorted and scrolled to the end with a
 * bounded number of rows in the DOM (virtual scroll). Prints the figures it measures; the
 * timings are figures, not assertions (a loaded CI machine is no place for a speed target).
 */
describe('console: 1,000 servers (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start({ OMNI2_COORDINATOR: 'off' });
    const upstream = await h.addServer('live-one');
    // The rest point at a closed port and are registered disabled: no checks, no sessions.
    const names = Array.from({ length: COUNT - 1 }, (_, i) => `srv-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(
        names.slice(i, i + 25).map(async (name, j) => {
          const res = await h.t.api('POST', '/api/v1/mcp/servers', {
            name,
            protocol: 'streamable_http',
            url: `http://127.0.0.1:9/mcp/${name}`,
            description: j % 3 === 0 ? 'payments team' : 'search team',
            status: 'inactive',
          });
          if (res.status !== 201) throw new Error(`${name}: ${res.status} ${res.text}`);
        }),
      );
    }
    await h.t.api('POST', `/api/v1/mcp/servers/${upstream.id}/health-check`);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  it('renders, filters, sorts and scrolls without putting 1,000 rows in the DOM', async () => {
    w = await h.open('/');
    await w.page.getByTestId('stat-total').waitFor();
    // Timed from a client-side navigation, as an operator moves from the dashboard.
    const started = Date.now();
    await w.page.locator('nav a[href="/servers"]').click();
    await w.page.locator('[data-server]').first().waitFor();
    await pollUntil(
      () => w.page.getByTestId('row-count').textContent(),
      (t) => t === `${COUNT} of ${COUNT}`,
      { what: 'all rows counted' },
    );
    const renderMs = Date.now() - started;
    const domRows = await w.page.locator('[data-server]').count();
    expect(domRows).toBeGreaterThan(5);
    expect(domRows).toBeLessThan(80);

    const typed = Date.now();
    await w.page.getByTestId('search').fill('srv-0998');
    await pollUntil(
      () => w.page.getByTestId('row-count').textContent(),
      (t) => t === `1 of ${COUNT}`,
      { what: 'search narrowed to one row' },
    );
    const searchMs = Date.now() - typed;
    await w.page.getByTestId('search').fill('');

    const sorted = Date.now();
    await w.page.getByRole('columnheader', { name: 'Name' }).click();
    await w.page.getByRole('columnheader', { name: 'Name' }).click();
    await pollUntil(
      () => w.page.locator('[data-server]').first().getAttribute('data-server'),
      (n) => n === 'srv-0998',
      { what: 'sorted by name, descending' },
    );
    const sortMs = Date.now() - sorted;

    const scrolled = Date.now();
    await w.page.locator('cdk-virtual-scroll-viewport').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await w.page.locator('[data-server="live-one"]').first().waitFor();
    const scrollMs = Date.now() - scrolled;
    expect(await w.page.locator('[data-server]').count()).toBeLessThan(80);

    const cdp = await w.page.context().newCDPSession(w.page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
      );
    // In front, so the browser does not throttle its frames (the loop below waits on them;
    // the test's own timeout bounds it).
    await w.page.bringToFront();
    const before = await metrics();
    // Frames while scrolling through the whole list in steps (a rough smoothness figure).
    const frames = await w.page.locator('cdk-virtual-scroll-viewport').evaluate(async (el) => {
      el.scrollTop = 0;
      const gaps: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 120; i++) {
        el.scrollTop += el.scrollHeight / 120;
        await new Promise((r) =>
          (
            globalThis as unknown as { requestAnimationFrame(cb: () => void): void }
          ).requestAnimationFrame(() => r(undefined)),
        );
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      gaps.sort((a, b) => a - b);
      return { median: gaps[60], p95: gaps[114], max: gaps[119] };
    });

    const after = await metrics();
    const d = (k: string) => ((after[k] - before[k]) * 1000).toFixed(0);
    console.log(
      `scroll CPU: script ${d('ScriptDuration')} ms, layout ${d('LayoutDuration')} ms, style ${d('RecalcStyleDuration')} ms, task ${d('TaskDuration')} ms`,
    );
    console.log(
      `1,000 servers: page ${renderMs} ms, search ${searchMs} ms, sort ${sortMs} ms, ` +
        `jump to end ${scrollMs} ms, ${domRows} rows in the DOM; scroll frames median ` +
        `${frames.median.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`,
    );
  }, 150_000);
});
