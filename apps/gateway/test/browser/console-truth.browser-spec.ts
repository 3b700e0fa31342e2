import type { McpServerView, UptimeView } from '@omni2/contracts';
import { startHttpMcpServer, type TestMcpServer } from '@omni2/testkit';
import { pollUntil } from '../support/poll';
import { ConsoleHarness, FAST_BREAKER, FAST_HEALTH } from './support/console-harness';
import type { WatchedPage } from './support/browser';

/**
 * Issue 18: the console never shows something stale or misleading. A detail page left open
 * through a failure and a recovery ends up matching the API field by field; a server failing
 * below the breaker threshold is marked wherever its status is; live updates never move the rows
 * of a scrolled list.
 */
describe('console truth (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    // Recovery within seconds: a 1 s open period, one good probe closes the circuit.
    await h.put('circuit_breaker', { ...FAST_BREAKER, timeout_seconds: 1, max_timeout_seconds: 2 });
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  const api = async (name: string) =>
    (await h.t.api<McpServerView>('GET', `/api/v1/mcp/servers/${name}`)).body;

  it('a detail page left open through failure and recovery matches the API at the end', async () => {
    const server = await h.addServer('swinging');
    await h.waitForStatus('swinging', 'healthy');
    w = await h.open(`/servers/${server.id}`);
    const page = w.page;
    await page.getByTestId('detail-name').waitFor();

    server.upstream.setBehaviour({ mode: 'failing' });
    await h.waitForStatus('swinging', 'circuit_open');
    await pollUntil(
      () => page.locator('header [data-status]').getAttribute('data-status'),
      (s) => s === 'circuit_open',
      { what: 'the open circuit on the page', timeoutMs: 10_000 },
    );
    server.upstream.setBehaviour({ mode: 'healthy' });
    await h.waitForStatus('swinging', 'healthy');
    // Checks stop, so the API stands still and the page has something fixed to catch up with.
    await h.put('health_check', { ...FAST_HEALTH, interval_seconds: 3600 });

    const onPage = async () => ({
      status: await page.locator('header [data-status]').getAttribute('data-status'),
      suspect: await page.getByTestId('suspect').count(),
      circuit: (await page.getByTestId('circuit-state').textContent())?.trim(),
      failures: (await page.getByTestId('failures').textContent())?.replace(/\s+/g, ' ').trim(),
      lastError: (await page.getByTestId('last-error').textContent())?.trim(),
      lastCheckOk: (await page.getByTestId('last-check').textContent())?.includes('ok in'),
      downtime: Number(await page.getByTestId('downtime').getAttribute('data-seconds')),
      checks: await page
        .locator('[data-window="24h"] [data-testid="uptime-figure"]')
        .getAttribute('data-checks'),
    });
    const fromApi = async () => {
      const s = await api('swinging');
      const uptime = await h.t.api<UptimeView>(
        'GET',
        `/api/v1/mcp/servers/swinging/uptime?window=24h`,
      );
      return {
        status: s.health_status,
        suspect: 0,
        circuit: 'closed',
        failures: `${s.consecutive_failures}/${FAST_BREAKER.failure_threshold} consecutive · ${s.failure_cycles} failed recoveries`,
        lastError: s.last_error ?? '—',
        lastCheckOk: s.last_success_at === s.last_health_check,
        downtime: s.total_downtime_seconds,
        checks: String(uptime.body.checks),
      };
    };
    const expected = await fromApi();
    const last = await pollUntil(
      onPage,
      (seen) => JSON.stringify(seen) === JSON.stringify(expected),
      {
        what: `the page to match the API ${JSON.stringify(expected)}`,
        timeoutMs: 10_000,
      },
    );
    expect(last).toEqual(expected);
    // The event log tells recoveries from failures: closing the circuit is not shown as an error.
    const closed = page.locator('[data-testid="event-log"] li.ev-circuit_closed').first();
    expect(await closed.getAttribute('class')).toContain('tone-good');
    const opened = page.locator('[data-testid="event-log"] li.ev-circuit_opened').first();
    expect(await opened.getAttribute('class')).toContain('tone-bad');
    await h.put('health_check', FAST_HEALTH);
  });

  it('marks a server failing below the threshold in the list, the detail page and the dashboard', async () => {
    await h.put('circuit_breaker', { ...FAST_BREAKER, failure_threshold: 5 });
    await h.put('health_check', {
      ...FAST_HEALTH,
      interval_seconds: 3600,
      unhealthy_interval_seconds: 3600,
    });
    const server = await h.addServer('wobbly');
    await h.waitForStatus('wobbly', 'healthy');
    server.upstream.setBehaviour({ mode: 'failing' });
    for (let i = 0; i < 2; i++) {
      await h.t.api('POST', '/api/v1/mcp/servers/wobbly/health-check');
    }
    const row = await api('wobbly');
    expect(row).toMatchObject({ health_status: 'healthy', consecutive_failures: 2 });

    w = await h.open('/servers');
    const listed = w.page.locator('[data-server="wobbly"]');
    await pollUntil(
      () => listed.getByTestId('suspect').textContent(),
      (t) => t?.trim() === 'failing 2/5',
      { what: 'the failing mark in the list' },
    );
    expect(await listed.locator('[data-status]').first().getAttribute('data-status')).toBe(
      'healthy',
    );
    expect((await listed.locator('[data-col="response"]').textContent())?.trim()).not.toMatch(
      /ms$/,
    );

    await w.page.goto(`/servers/${server.id}`);
    await pollUntil(
      () => w.page.locator('header').getByTestId('suspect').textContent(),
      (t) => t?.trim() === 'failing 2/5',
      { what: 'the failing mark on the detail page' },
    );
    expect(await w.page.getByTestId('last-check').textContent()).toContain('failed');

    await w.page.goto('/');
    await pollUntil(
      () => w.page.getByTestId('stat-failing').locator('.stat-n').textContent(),
      (t) => Number(t) >= 1,
      { what: 'the failing count on the dashboard' },
    );
    await pollUntil(
      () => w.page.getByTestId('attention').getByTestId('suspect').first().textContent(),
      (t) => t?.trim() === 'failing 2/5',
      { what: 'the failing mark among servers needing attention' },
    );
    server.upstream.setBehaviour({ mode: 'healthy' });
    await h.put('circuit_breaker', { ...FAST_BREAKER, timeout_seconds: 1, max_timeout_seconds: 2 });
    await h.put('health_check', FAST_HEALTH);
  });
});

describe('console truth: laptop screens (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    await h.addServer('a-server-with-a-rather-long-name');
    await h.addServer('legacy-sse', 'sse');
    await h.addServer('local', 'stdio');
    await h.waitForStatus('legacy-sse', 'healthy');
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  /** Elements wider than their box (scrolling sideways or cut), by selector. */
  const overflowing = (page: WatchedPage['page']) =>
    page.evaluate(() => {
      type El = { scrollWidth: number; clientWidth: number; className: string; tagName: string };
      const doc = globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<El>; scrollingElement: El };
      };
      const wide = (el: El) => el.scrollWidth > el.clientWidth + 1;
      const boxes = Array.from(
        doc.document.querySelectorAll(
          '.content, .table, [data-testid="transport"], [data-testid="revision"]',
        ),
      );
      return [doc.document.scrollingElement, ...boxes]
        .filter(wide)
        .map((el) => `${el.tagName}.${el.className}`);
    });

  for (const [width, height] of [
    [1280, 720],
    [1366, 768],
  ]) {
    it(`shows the list, a detail page and the dashboard at ${width}x${height} with nothing cut`, async () => {
      w = await h.open('/servers', h.t.adminToken, { width, height });
      const row = w.page.locator('[data-server="a-server-with-a-rather-long-name"]');
      await row.waitFor();
      await w.page.locator('[data-server="local"]').waitFor();
      expect(await overflowing(w.page)).toEqual([]);
      // Every action of a row is on screen: its buttons and the menu with the rest.
      for (const action of ['check', 'tools', 'edit', 'more']) {
        const box = await row.locator(`[data-action="${action}"]`).boundingBox();
        expect(box && box.x + box.width).toBeLessThanOrEqual(width);
      }
      await row.locator('[data-action="more"]').click();
      await w.page.locator('[role="menu"] [data-action="reload"]').waitFor();
      await w.page.keyboard.press('Escape');

      await w.page.goto(`/servers/${h.servers.get('local')!.id}`);
      await w.page.getByTestId('detail-name').waitFor();
      expect(await overflowing(w.page)).toEqual([]);
      if (width === 1280) {
        // The detail page's own words: a stdio server's protocol revision, a tool's name apart
        // from its description, a prompt's arguments.
        const caps = w.page.locator('[aria-labelledby="caps-h"]');
        await pollUntil(
          async () => (await caps.textContent()) ?? '',
          (t) => /protocol \d{4}-\d{2}-\d{2}/.test(t),
          { what: 'the stdio server protocol revision' },
        );
        const add = caps.locator('.cap-name', { hasText: 'Adds two numbers' }).first();
        expect(await add.innerText()).toMatch(/^add\s+Adds two numbers$/);
        expect((await caps.getByTestId('prompt-args').first().textContent())?.trim()).toBe(
          '(name*)',
        );
      }

      await w.page.goto('/');
      await w.page.getByTestId('stat-total').waitFor();
      expect(await overflowing(w.page)).toEqual([]);
    });
  }
});

describe('console truth: a scrolled list holds still (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;
  let upstream: TestMcpServer;
  const names = Array.from({ length: 40 }, (_, i) => `row-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    // No scheduled checks: the only changes are the ones this test makes.
    await h.put('health_check', {
      ...FAST_HEALTH,
      interval_seconds: 3600,
      unhealthy_interval_seconds: 3600,
    });
    upstream = await startHttpMcpServer({ protocol: 'streamable_http' });
    for (const name of names) {
      const res = await h.t.api('POST', '/api/v1/mcp/servers', {
        name,
        protocol: 'streamable_http',
        url: upstream.routeUrl(name),
      });
      if (res.status !== 201) throw new Error(`register ${name}: ${res.status}`);
    }
    for (const name of names) await h.waitForStatus(name, 'healthy');
  });

  afterAll(async () => {
    await h?.close();
    await upstream?.stop();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  it('keeps its rows in place through ten status changes, and offers to sort again', async () => {
    w = await h.open('/servers');
    const page = w.page;
    await pollUntil(
      () => page.getByTestId('row-count').textContent(),
      (t) => t === `${names.length} of ${names.length}`,
      { what: 'every row' },
    );
    const viewport = page.locator('cdk-virtual-scroll-viewport');
    await viewport.evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 300;
    });
    // The rows on screen (the virtual scroll renders a buffer beyond them), top to bottom.
    const visible = () =>
      viewport.evaluate((el) => {
        type Box = { top: number; bottom: number };
        type Row = { getBoundingClientRect(): Box; dataset: { server: string } };
        const view = (el as unknown as { getBoundingClientRect(): Box }).getBoundingClientRect();
        const rows = (
          el as unknown as { querySelectorAll(s: string): ArrayLike<Row> }
        ).querySelectorAll('[data-server]');
        return Array.from(rows)
          .filter((r) => {
            const box = r.getBoundingClientRect();
            return box.bottom > view.top && box.top < view.bottom;
          })
          .map((r) => r.dataset.server);
      });
    const before = await pollUntil(visible, (v) => v.length > 0 && v[0] !== names[0], {
      what: 'the list scrolled',
    });
    const scrollTop = () =>
      viewport.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop);
    const top = await scrollTop();

    // Ten status changes, each of which a status sort would move to the top.
    for (const name of names.slice(20, 30)) {
      expect((await h.t.api('POST', `/api/v1/mcp/servers/${name}/disable`)).status).toBe(200);
      await pollUntil(
        () =>
          page.locator(`[data-server="${name}"] [data-status]`).first().getAttribute('data-status'),
        (s) => s === 'disabled',
        { what: `${name} disabled on the page` },
      );
      expect(await visible()).toEqual(before);
    }
    expect(await scrollTop()).toBe(top);

    await page.getByTestId('sort-again').click();
    await viewport.evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 0;
    });
    await pollUntil(visible, (v) => v[0] === 'row-20', {
      what: 'the disabled servers sorted first once asked',
    });
  });
});
