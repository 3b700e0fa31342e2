import { pollUntil } from '../support/poll';
import { TEST_ADMIN } from '../support/test-app';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness } from './support/console-harness';

/** Signing in and out, roles in the UI, and a session the gateway ends. */
describe('console: sign-in and roles (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    await h.addServer('echo-one');
    await h.waitForStatus('echo-one', 'healthy');
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  it('sends a signed-out visitor to the login page and back to the deep link after', async () => {
    w = await h.open('/servers', null);
    await w.page.waitForURL(/\/login\?returnUrl=%2Fservers/);
    await w.page.locator('input[name="username"]').fill(TEST_ADMIN.username);
    await w.page.locator('input[name="password"]').fill('wrong password, surely');
    await w.page.locator('button[type="submit"]').click();
    await w.page.getByTestId('login-error').waitFor();
    expect(await w.page.getByTestId('login-error').textContent()).toContain(
      'Wrong username or password',
    );
    await w.page.locator('input[name="password"]').fill(TEST_ADMIN.password);
    await w.page.locator('button[type="submit"]').click();
    await w.page.waitForURL(/\/servers$/);
    await w.page.locator('[data-server="echo-one"]').waitFor();
    expect(await w.page.getByTestId('whoami').textContent()).toContain('admin');
  });

  it('shows a viewer every action disabled, with the role needed in the tooltip', async () => {
    w = await h.open('/servers', await h.t.tokenFor('viewer'));
    const row = w.page.locator('[data-server="echo-one"]');
    await row.waitFor();
    const roleNeeded = /^Needs the (operator|admin) role \(you are viewer\)$/;
    for (const action of ['check', 'edit']) {
      const button = row.locator(`[data-action="${action}"]`);
      expect(await button.isDisabled()).toBe(true);
      expect(await button.locator('xpath=..').getAttribute('title')).toMatch(roleNeeded);
    }
    // The rest are in the row's "More actions" menu, disabled there with the same reason.
    await row.locator('[data-action="more"]').click();
    const menu = w.page.locator('[role="menu"]');
    for (const action of ['reload', 'disable', 'reset', 'delete']) {
      const item = menu.locator(`[data-action="${action}"]`);
      expect(await item.getAttribute('aria-disabled')).toBe('true');
      expect(await item.locator('xpath=..').getAttribute('title')).toMatch(roleNeeded);
    }
    await w.page.keyboard.press('Escape');
    expect(await w.page.getByTestId('add-server').isDisabled()).toBe(true);
    expect(await w.page.getByTestId('check-all').isDisabled()).toBe(true);
    expect(await w.page.locator('nav a[href="/iam"]').count()).toBe(0);
  });

  it('lets an operator check but not edit', async () => {
    w = await h.open('/servers', await h.t.tokenFor('operator'));
    const row = w.page.locator('[data-server="echo-one"]');
    await row.waitFor();
    expect(await row.locator('[data-action="check"]').isEnabled()).toBe(true);
    expect(await row.locator('[data-action="edit"]').isDisabled()).toBe(true);
    await row.locator('[data-action="check"]').click();
    await row.getByTestId('flash').waitFor();
    expect(await row.getByTestId('flash').textContent()).toMatch(/^ok · /);
  });

  it('goes back to the login page, saying why, when the gateway ends the session', async () => {
    const res = await h.t.api('POST', '/api/v1/users', {
      username: 'soon-gone',
      password: 'a-password-long-enough',
      role: 'operator',
    });
    expect(res.status).toBe(201);
    const token = await h.t.login('soon-gone', 'a-password-long-enough');
    w = await h.open('/servers', token);
    await w.page.locator('[data-server="echo-one"]').waitFor();
    // The page has finished loading (the uptime column is fetched after the first render), so
    // the click below is what meets the ended session, not a background request.
    await pollUntil(
      () => w.page.locator('[data-server="echo-one"] [data-col="uptime"]').textContent(),
      (t) => (t ?? '…').trim() !== '…',
      { what: 'the uptime column to load' },
    );
    // An admin disables the user: their tokens stop working at once.
    expect(
      (await h.t.api('PATCH', `/api/v1/users/${res.body.id}`, { disabled: true })).status,
    ).toBe(200);
    await w.page.locator('[data-server="echo-one"] [data-action="check"]').click();
    await w.page.waitForURL(/\/login/);
    const notice = await pollUntil(
      () => w.page.getByTestId('login-notice').textContent(),
      (t) => (t ?? '').length > 0,
      { what: 'the login notice' },
    );
    expect(notice).toMatch(/signed out|session expired/);
  });

  it('shows an API key once, at creation', async () => {
    w = await h.open('/iam');
    await w.page.locator('[data-tab="keys"]').click();
    await w.page.locator('[data-field="key-name"]').fill('ci-bot');
    await w.page.getByRole('button', { name: 'Create key' }).click();
    const created = w.page.getByTestId('created-key');
    await created.waitFor();
    const key = (await w.page.getByTestId('key-value').textContent()) ?? '';
    expect(key).toMatch(/^omni2_/);
    // The key works against the API, and is not shown again after a reload.
    const me = await h.t.api('GET', '/api/v1/auth/me', undefined, { token: key });
    expect(me.body.name).toBe('ci-bot');
    await w.page.reload();
    await w.page.locator('[data-tab="keys"]').click();
    await w.page.getByTestId('keys').locator('tr', { hasText: 'ci-bot' }).waitFor();
    expect(await w.page.content()).not.toContain(key);
  });
});
