import type { AlertChannelView } from '@omni2/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

const SECRET = 'a-browser-test-shared-secret';

/**
 * Issue 17 in the browser: an admin adds a webhook channel in the console pointing at a real
 * receiver (which checks every signature), sends a test, reads the answer inline, and finds the
 * delivery in the log; a maintenance window marks the servers it covers.
 */
describe('console: alerts (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
    h = await ConsoleHarness.start({ OMNI2_COORDINATOR: 'off' });
  });

  afterAll(async () => {
    await h?.close();
    await receiver?.stop();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  it('adds a webhook channel, sends a test, and shows it sent in the delivery log', async () => {
    w = await h.open('/alerts');
    const { page } = w;
    await page.getByRole('link', { name: 'Alerts' }).waitFor();
    await page.getByTestId('add-channel').click();
    const dialog = page.locator('o2-channel-dialog [role="dialog"]');
    await dialog.waitFor();
    await dialog.locator('[data-field="name"]').fill('ops-hook');
    await dialog.locator('[data-field="config.url"]').fill(receiver.url);
    await dialog.locator('[data-field="config.secret"]').fill(SECRET);
    await dialog.getByTestId('save-channel').click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.locator('[data-channel="ops-hook"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(receiver.url);
    // Stored with its secret, shown without it.
    const stored = (await h.t.api('GET', '/api/v1/alerts/channels')).body as AlertChannelView[];
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(SECRET);

    await row.locator('[data-action="test"]').click();
    const result = row.getByTestId('test-result');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toContain('ok · HTTP 200 · {"received":true}');
    // The receiver got it, signed with the secret typed into the dialog.
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ signed: true, body: { kind: 'test' } });

    await page.locator('[data-tab="deliveries"]').click();
    const delivery = page.locator(`[data-delivery="${receiver.received[0].id}"]`);
    await delivery.waitFor();
    expect(await delivery.getAttribute('data-status')).toBe('sent');
    expect((await delivery.getByTestId('delivery-status').textContent())?.trim()).toBe('sent');
    const text = (await delivery.textContent()) ?? '';
    expect(text).toContain('ops-hook');
    expect(text).toContain('200');
  });

  it('marks a server in maintenance on the list and its page while a window covers it', async () => {
    const server = await h.addServer('maint-one');
    await h.addServer('other-one');
    w = await h.open('/servers');
    const row = w.page.locator('[data-server="maint-one"]');
    await row.waitFor();
    expect(await row.getByTestId('maintenance').count()).toBe(0);

    // Added elsewhere (the API): the open page learns of it from the event stream.
    const now = Date.now();
    const created = await h.t.api('POST', '/api/v1/maintenance-windows', {
      name: 'kernel patching',
      starts_at: new Date(now - 60_000).toISOString(),
      ends_at: new Date(now + 3_600_000).toISOString(),
      server_scope: 'pattern',
      name_pattern: 'maint-*',
    });
    expect(created.status).toBe(201);
    const mark = row.getByTestId('maintenance');
    await mark.waitFor();
    expect(await mark.getAttribute('title')).toContain('kernel patching until');
    expect(
      await w.page.locator('[data-server="other-one"]').getByTestId('maintenance').count(),
    ).toBe(0);

    await w.page.goto(`/servers/${server.id}`);
    await w.page.getByTestId('detail-name').waitFor();
    await w.page.getByTestId('maintenance').waitFor();
  });
});
