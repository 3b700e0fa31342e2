import { join } from 'node:path';
import { pollUntil } from '../support/poll';
import { TEST_ADMIN } from '../support/test-app';
import { ConsoleHarness } from './support/console-harness';

const OUT = join(__dirname, '../../../../docs/screenshots');

/**
 * Screenshots of the main pages for the README (`npm run screenshots`): a real gateway with
 * testkit servers, some healthy, one slow, one down, one disabled. Not part of `npm test`.
 */
describe('console screenshots', () => {
  let h: ConsoleHarness;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    for (const name of ['github', 'jira', 'filesystem', 'search', 'slack']) await h.addServer(name);
    await h.addServer('weather', 'sse');
    await h.addServer('postgres', 'streamable_http', { delayMs: 5 });
    await h.addServer('billing');
    await h.addServer('legacy-crm');
    for (const name of ['github', 'weather', 'postgres', 'billing', 'legacy-crm']) {
      await h.waitForStatus(name, 'healthy');
    }
    // Some history for postgres's chart: varying latency, then an outage.
    const postgres = h.servers.get('postgres')!;
    const delays = [5, 30, 12, 60, 8, 25, 90, 15, 40, 10];
    for (const delayMs of delays) {
      postgres.upstream.setBehaviour({ delayMs });
      await pollUntil(
        async () =>
          (await h.t.api('GET', '/api/v1/mcp/servers/postgres/health-logs?event_type=health_check'))
            .body.items.length,
        (n: number) => n >= delays.indexOf(delayMs) + 3,
        { timeoutMs: 10_000, what: 'another check' },
      );
    }
    postgres.upstream.setBehaviour({ mode: 'failing', delayMs: 0 });
    h.servers.get('billing')!.upstream.setBehaviour({ mode: 'failing' });
    await h.waitForStatus('postgres', 'circuit_open');
    await h.waitForStatus('billing', 'circuit_open');
    await h.t.api('POST', '/api/v1/mcp/servers/legacy-crm/disable');
    await h.t.tokenFor('operator');
    await h.t.tokenFor('viewer');
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('takes them', async () => {
    const login = await h.open('/login', null);
    await login.page.locator('input[name="username"]').fill(TEST_ADMIN.username);
    await login.page.screenshot({ path: join(OUT, 'login.png') });

    const w = await h.open('/');
    await w.page.getByTestId('stat-total').waitFor();
    await w.page.getByTestId('attention').locator('li a').first().waitFor();
    await w.page.screenshot({ path: join(OUT, 'dashboard.png') });

    await w.page.locator('nav a[href="/servers"]').click();
    await w.page.locator('[data-server="postgres"]').waitFor();
    await w.page.locator('[data-server="github"] [data-action="check"]').click();
    await w.page.locator('[data-server="github"]').getByTestId('flash').waitFor();
    await w.page.screenshot({ path: join(OUT, 'servers.png') });

    await w.page.locator('[data-server="github"] [data-action="tools"]').click();
    await w.page.locator('[data-tool="add"]').click();
    await w.page.locator('[data-field="a"]').fill('20');
    await w.page.locator('[data-field="b"]').fill('22');
    await w.page.getByTestId('run-tool').click();
    await w.page.getByTestId('tool-result').waitFor();
    await w.page.screenshot({ path: join(OUT, 'tool-tester.png') });
    await w.page.keyboard.press('Escape');

    await w.page.locator('[data-server="postgres"] a').first().click();
    await w.page.getByTestId('health-chart').waitFor();
    await w.page.getByTestId('countdown').waitFor();
    await w.page.screenshot({ path: join(OUT, 'server-detail.png'), fullPage: true });

    await w.page.locator('nav a[href="/iam"]').click();
    await w.page.getByTestId('users').locator('tr', { hasText: 'viewer-user' }).waitFor();
    await w.page.screenshot({ path: join(OUT, 'iam.png') });

    await w.page.locator('nav a[href="/settings"]').click();
    await w.page.locator('[data-section="circuit_breaker"] input').first().waitFor();
    await w.page.screenshot({ path: join(OUT, 'settings.png'), fullPage: true });
  });
});
