import { source as axeSource } from 'axe-core';
import type { Page } from 'playwright-core';
import { pollUntil } from '../support/poll';
import type { WatchedPage } from './support/browser';
import { ConsoleHarness, type RegisteredServer } from './support/console-harness';

/** One axe finding, trimmed to what it takes to fix it. */
interface Finding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2 A/AA and best practices) on the page as it is and returns the serious
 * and critical violations. The page must be settled on what the caller waited for.
 */
async function audit(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) {
    await page.addScriptTag({ content: axeSource });
  }
  const findings = await page.evaluate<Finding[]>(`
    axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
      })),
    )
  `);
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** A description of the focused element: its data-a11y mark, test id, or tag and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.getAttribute('data-a11y') ?? el.getAttribute('data-testid') ??
      el.getAttribute('data-action') ?? el.getAttribute('data-field') ??
      el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ':' + (el.textContent ?? '').trim();
  })()`);
}

/**
 * Marks the first and last tabbable elements of the open dialog (data-a11y="first" / "last"),
 * found the way a browser's Tab order finds them: enabled, rendered, not tabindex=-1.
 */
async function markEnds(page: Page): Promise<void> {
  const count = await page.evaluate(`(() => {
    const dialog = document.querySelector('[aria-modal="true"]');
    const all = Array.from(dialog.querySelectorAll(
      'a[href], button, input, select, textarea, [tabindex]'
    )).filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0);
    all.forEach((el) => el.removeAttribute('data-a11y'));
    all[0].setAttribute('data-a11y', 'first');
    all[all.length - 1].setAttribute('data-a11y', 'last');
    return all.length;
  })()`);
  expect(count).toBeGreaterThan(1);
}

/** Keyboard use and axe-core audits of every page and the shared dialogs. */
describe('console: keyboard and screen readers (browser)', () => {
  let h: ConsoleHarness;
  let w: WatchedPage;
  let server: RegisteredServer;

  beforeAll(async () => {
    h = await ConsoleHarness.start();
    server = await h.addServer('a11y-one');
    await h.waitForStatus('a11y-one', 'healthy');
    // Rows in the API keys table and the audit log.
    const key = await h.t.api('POST', '/api/v1/api-keys', { name: 'ci-key', role: 'viewer' });
    expect(key.status).toBe(201);
    // Rows on each alerts tab (the channel is never sent to).
    const hook = await h.t.api('POST', '/api/v1/alerts/channels', {
      name: 'a11y-hook',
      kind: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook' },
    });
    expect(hook.status).toBe(201);
    const rule = await h.t.api('POST', '/api/v1/alerts/rules', {
      name: 'a11y-rule',
      events: ['server_down'],
      channel_ids: [hook.body.id],
      enabled: false,
    });
    expect(rule.status).toBe(201);
    const window = await h.t.api('POST', '/api/v1/maintenance-windows', {
      name: 'a11y-window',
      starts_at: '2030-01-05T00:00:00Z',
      recurrence: '0 2 * * 0',
      duration_seconds: 3600,
    });
    expect(window.status).toBe(201);
  });

  afterAll(async () => {
    await h?.close();
  });

  afterEach(() => {
    expect(w?.errors ?? []).toEqual([]);
  });

  describe('axe-core finds nothing serious or critical', () => {
    it('on the login page', async () => {
      w = await h.open('/login', null);
      await w.page.locator('input[name="username"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      // The disabled Sign in says why.
      const submit = w.page.locator('button[type="submit"]');
      expect(await submit.isDisabled()).toBe(true);
      expect(await describedBy(w.page, 'button[type="submit"]')).toContain('username');
    });

    it('on the dashboard', async () => {
      w = await h.open('/');
      await w.page.getByTestId('stat-total').waitFor();
      await w.page.getByTestId('latest-events').locator('li').first().waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('on the servers list', async () => {
      w = await h.open('/servers');
      await w.page.locator('[data-server="a11y-one"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('on the server detail page', async () => {
      w = await h.open(`/servers/${server.id}`);
      await w.page.getByTestId('detail-name').waitFor();
      await w.page.getByTestId('event-log').locator('li').first().waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('on the IAM users, API keys and audit log tabs', async () => {
      w = await h.open('/iam');
      await w.page.locator('[data-user="admin"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.locator('[data-tab="keys"]').click();
      await w.page.getByTestId('keys').getByText('ci-key').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.locator('[data-tab="audit"]').click();
      await w.page.getByTestId('audit').locator('tbody tr td.mono').first().waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('on the settings page', async () => {
      w = await h.open('/settings');
      await w.page.locator('[data-save="circuit_breaker"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      // The disabled Save says why.
      const save = '[data-save="circuit_breaker"]';
      expect(await w.page.locator(save).isDisabled()).toBe(true);
      expect(await describedBy(w.page, save)).toContain('No changes');
    });

    it('on the alerts channels, rules, maintenance windows and delivery log tabs', async () => {
      w = await h.open('/alerts');
      await w.page.locator('[data-channel="a11y-hook"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.locator('[data-tab="rules"]').click();
      await w.page.locator('[data-rule="a11y-rule"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.locator('[data-tab="windows"]').click();
      await w.page.locator('[data-window="a11y-window"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.locator('[data-tab="deliveries"]').click();
      await w.page.getByTestId('deliveries-empty').waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('with the alert channel, rule and window dialogs open', async () => {
      w = await h.open('/alerts');
      await w.page.locator('[data-channel="a11y-hook"]').waitFor();
      await w.page.getByTestId('add-channel').click();
      await w.page.locator('o2-channel-dialog [role="dialog"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.keyboard.press('Escape');
      await w.page.locator('[data-tab="rules"]').click();
      await w.page.getByTestId('add-rule').click();
      await w.page.locator('o2-rule-dialog [role="dialog"]').waitFor();
      await w.page.locator('[data-scope="list"]').click();
      await w.page.getByTestId('scope-servers').waitFor();
      expect(await audit(w.page)).toEqual([]);
      await w.page.keyboard.press('Escape');
      await w.page.locator('[data-tab="windows"]').click();
      await w.page.getByTestId('add-window').click();
      await w.page.locator('o2-window-dialog [role="dialog"]').waitFor();
      await w.page.locator('o2-window-dialog [data-field="recurring"]').check();
      expect(await audit(w.page)).toEqual([]);
    });

    it('with the add-server dialog open', async () => {
      w = await h.open('/servers');
      await w.page.locator('[data-server="a11y-one"]').waitFor();
      await w.page.getByTestId('add-server').click();
      await w.page.locator('o2-server-dialog [role="dialog"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('with a confirm dialog open', async () => {
      w = await h.open('/servers');
      // Delete is in the row's "More actions" menu.
      await w.page.locator('[data-server="a11y-one"] [data-action="more"]').click();
      await w.page.locator('[role="menu"] [data-action="delete"]').click();
      await w.page.locator('[role="alertdialog"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
      // On top and whole, not clipped into the table row it was opened from.
      expect(await onTop(w.page, '[role="alertdialog"] .modal-foot button')).toEqual([true, true]);
    });

    it('with the tool tester open', async () => {
      w = await h.open('/servers');
      await w.page.locator('[data-server="a11y-one"] [data-action="tools"]').click();
      await w.page.locator('o2-tool-tester .tool-item').first().click();
      await w.page.locator('o2-tool-tester .tool-run').waitFor();
      expect(await audit(w.page)).toEqual([]);
    });

    it('with the change-password dialog open', async () => {
      w = await h.open('/servers');
      await w.page.getByRole('button', { name: 'Password' }).click();
      await w.page.locator('o2-change-password [role="dialog"]').waitFor();
      expect(await audit(w.page)).toEqual([]);
    });
  });

  describe('keyboard', () => {
    it('opens the skip link first and jumps to the main region with it', async () => {
      w = await h.open('/servers');
      await w.page.locator('[data-server="a11y-one"]').waitFor();
      await w.page.keyboard.press('Tab');
      expect(await focused(w.page)).toBe('skip-link');
      // Visible while focused: on screen and of a readable size.
      const box = await w.page.getByTestId('skip-link').boundingBox();
      expect(box).not.toBeNull();
      expect(box!.width).toBeGreaterThan(40);
      expect(box!.height).toBeGreaterThan(10);
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeGreaterThanOrEqual(0);
      await w.page.keyboard.press('Enter');
      expect(
        await w.page.evaluate(`document.activeElement === document.getElementById('main')`),
      ).toBe(true);
      // The next Tab lands inside main, past the navigation.
      await w.page.keyboard.press('Tab');
      expect(
        await w.page.evaluate(`document.querySelector('main').contains(document.activeElement)`),
      ).toBe(true);
    });

    it('traps Tab inside the confirm dialog and returns focus to the opener on Escape', async () => {
      w = await h.open('/servers');
      // By keyboard: the row's "More actions" button opens its menu, End reaches Delete.
      const opener = w.page.locator('[data-server="a11y-one"] [data-action="more"]');
      await opener.focus();
      await w.page.keyboard.press('Enter');
      await w.page.locator('[role="menu"]').waitFor();
      await w.page.keyboard.press('End');
      await pollUntil(
        () => focused(w.page),
        (f) => f === 'delete',
        { what: 'focus on Delete in the menu' },
      );
      await w.page.keyboard.press('Enter');
      await w.page.locator('[role="alertdialog"]').waitFor();
      // The first button of a confirm dialog: Cancel, never the destructive one.
      await pollUntil(
        () => focused(w.page),
        (f) => f === 'button:Cancel',
        {
          what: 'focus on Cancel',
        },
      );
      await markEnds(w.page);
      await w.page.locator('[data-a11y="last"]').focus();
      await w.page.keyboard.press('Tab');
      expect(await focused(w.page)).toBe('first');
      await w.page.keyboard.press('Shift+Tab');
      expect(await focused(w.page)).toBe('last');
      await w.page.keyboard.press('Escape');
      await w.page.locator('[role="alertdialog"]').waitFor({ state: 'detached' });
      // The menu item is gone with its menu: focus is back on the button that opened both.
      expect(await focused(w.page)).toBe('more');
    });

    it('traps Tab inside the add-server dialog, starts on its first field, and gives focus back', async () => {
      w = await h.open('/servers');
      await w.page.locator('[data-server="a11y-one"]').waitFor();
      await w.page.getByTestId('add-server').focus();
      await w.page.keyboard.press('Enter');
      await w.page.locator('o2-server-dialog [role="dialog"]').waitFor();
      await pollUntil(
        () => focused(w.page),
        (f) => f === 'name',
        { what: 'focus on Name' },
      );
      await markEnds(w.page);
      await w.page.locator('[data-a11y="last"]').focus();
      await w.page.keyboard.press('Tab');
      expect(await focused(w.page)).toBe('first');
      await w.page.keyboard.press('Shift+Tab');
      expect(await focused(w.page)).toBe('last');
      // Closing with the ✕ button gives focus back too.
      await w.page.locator('o2-server-dialog [role="dialog"] button[aria-label="Close"]').click();
      await w.page.locator('o2-server-dialog').waitFor({ state: 'detached' });
      expect(await focused(w.page)).toBe('add-server');
    });
  });
});

/** The text of the elements a selector's aria-describedby points at. */
function describedBy(page: Page, selector: string): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
  })()`);
}

/** For each element matching `selector`: is it the topmost element at its own centre? */
function onTop(page: Page, selector: string): Promise<boolean[]> {
  return page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return r.width > 0 && r.height > 0 && (hit === el || el.contains(hit));
  })`);
}
