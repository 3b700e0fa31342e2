import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ServersStore } from '../core/servers.store';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
import { ServerActionsBar } from './server-actions-bar';

describe('ServerActionsBar', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
  });

  async function render(patch = {}) {
    const fixture = TestBed.createComponent(ServerActionsBar);
    fixture.componentRef.setInput('server', serverView(patch));
    let deleted = 0;
    fixture.componentInstance.deleted.subscribe(() => deleted++);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const button = (action: string) =>
      el.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;
    return { fixture, el, button, deleted: () => deleted };
  }

  it('offers enable or disable by status, and reset only with the circuit not closed', async () => {
    signInAs('operator');
    const active = await render();
    expect(active.button('disable')).not.toBeNull();
    expect(active.button('enable')).toBeNull();
    expect(active.button('reset').disabled).toBe(true);
    const open = await render({ circuit_state: 'open', health_status: 'circuit_open' });
    expect(open.button('reset').disabled).toBe(false);
    expect(open.button('check').disabled).toBe(true);
    const disabled = await render({ status: 'inactive', health_status: 'disabled' });
    expect(disabled.button('enable').disabled).toBe(false);
    expect(disabled.button('check').disabled).toBe(true);
  });

  it('puts the reason a button is disabled in the tooltip of its wrapper, with a label', async () => {
    signInAs('viewer');
    const { button } = await render();
    expect(button('check').disabled).toBe(true);
    expect(button('check').closest('.action-wrap')?.getAttribute('title')).toMatch(
      /Needs the operator role/,
    );
    expect(button('check').getAttribute('aria-label')).toBe('Check now');
    expect(button('check').querySelector('.icon.icon-check')).not.toBeNull();
  });

  it('deletes only after the confirmation, then says so', async () => {
    signInAs('admin');
    const { fixture, el, button, deleted } = await render();
    button('delete').click();
    await fixture.whenStable();
    http.expectNone('/api/v1/mcp/servers/id-alpha');
    // The confirmation is moved to <body> (the bar sits in virtual-scroll rows, which clip it).
    const dialog = () => document.querySelector('[role="alertdialog"]');
    const confirm = [...dialog()!.querySelectorAll<HTMLButtonElement>('button')].find(
      (b) => b.textContent?.trim() === 'Delete',
    )!;
    confirm.click();
    const req = http.expectOne('/api/v1/mcp/servers/id-alpha');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(deleted()).toBe(1);
    expect(el.querySelector('o2-confirm')).toBeNull();
    expect(dialog()).toBeNull();
  });

  it('shows check now busy, then the answer leaves it idle', async () => {
    signInAs('operator');
    const { fixture, button } = await render();
    button('check').click();
    await fixture.whenStable();
    expect(button('check').getAttribute('aria-busy')).toBe('true');
    expect(button('check').disabled).toBe(true);
    expect(button('check').querySelector('.spinner')).not.toBeNull();
    http.expectOne('/api/v1/mcp/servers/id-alpha/health-check').flush({
      server_id: 'id-alpha',
      name: 'alpha',
      ok: true,
      response_time_ms: 3,
      error: null,
      error_kind: null,
      probe: 'ping',
      checked_at: new Date().toISOString(),
      health_status: 'healthy',
      consecutive_failures: 0,
    });
    await settle(fixture);
    expect(button('check').getAttribute('aria-busy')).toBeNull();
  });

  it('keeps check, tools and edit as buttons in a compact row and the rest in a menu', async () => {
    signInAs('admin');
    const fixture = TestBed.createComponent(ServerActionsBar);
    fixture.componentRef.setInput('server', serverView());
    fixture.componentRef.setInput('compact', true);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const shown = [...el.querySelectorAll<HTMLElement>('[data-action]')].map(
      (b) => b.dataset['action'],
    );
    expect(shown).toEqual(['check', 'tools', 'edit', 'more']);
    el.querySelector<HTMLButtonElement>('[data-action="more"]')!.click();
    await fixture.whenStable();
    const items = [...document.querySelectorAll<HTMLElement>('[role="menu"] [data-action]')].map(
      (b) => b.dataset['action'],
    );
    expect(items).toEqual(['reload', 'disable', 'reset', 'delete']);
  });

  describe('Authorize', () => {
    const oauth = {
      auth_type: 'oauth' as const,
      oauth_grant: 'authorization_code' as const,
    };
    const needsAuth = {
      ...oauth,
      health_status: 'auth_required' as const,
      last_error_kind: 'auth' as const,
    };
    afterEach(() => vi.restoreAllMocks());

    function compactRow(patch: object) {
      const fixture = TestBed.createComponent(ServerActionsBar);
      fixture.componentRef.setInput('server', serverView(patch));
      fixture.componentRef.setInput('compact', true);
      return fixture;
    }
    const inlineActions = (el: HTMLElement) =>
      [...el.querySelectorAll<HTMLElement>('[data-action]')].map((b) => b.dataset['action']);

    it('is offered only for the authorization code grant', async () => {
      signInAs('admin');
      for (const grant of [null, 'client_credentials'] as const) {
        const { button } = await render({ auth_type: 'oauth', oauth_grant: grant });
        expect(button('authorize')).toBeNull();
      }
      const { button } = await render(oauth);
      expect(button('authorize').disabled).toBe(false);
      expect(button('authorize').classList).not.toContain('primary');
    });

    it('is primary and kept out of the menu while the server needs authorization', async () => {
      signInAs('operator');
      const { button } = await render(needsAuth);
      expect(button('authorize').classList).toContain('primary');
      expect(button('authorize').querySelector('.icon-key')).not.toBeNull();

      const waitingRow = compactRow(needsAuth);
      await waitingRow.whenStable();
      expect(inlineActions(waitingRow.nativeElement)).toEqual([
        'authorize',
        'check',
        'tools',
        'edit',
        'more',
      ]);
      const healthyRow = compactRow(oauth);
      await healthyRow.whenStable();
      expect(inlineActions(healthyRow.nativeElement)).toEqual(['check', 'tools', 'edit', 'more']);
    });

    it('is refused to a viewer, with the role in the tooltip', async () => {
      signInAs('viewer');
      const { button } = await render(needsAuth);
      expect(button('authorize').disabled).toBe(true);
      expect(button('authorize').closest('.action-wrap')?.getAttribute('title')).toMatch(
        /Needs the operator role/,
      );
    });

    it('starts the authorization, then waits with a spinner until the status changes', async () => {
      signInAs('operator');
      TestBed.inject(ServersStore).upsert(serverView(needsAuth));
      const open = vi.spyOn(window, 'open').mockReturnValue({} as Window);
      const { fixture, button } = await render(needsAuth);
      button('authorize').click();
      await fixture.whenStable();
      expect(button('authorize').getAttribute('aria-busy')).toBe('true');
      const expires = new Date(Date.now() + 10 * 60_000);
      http.expectOne('/api/v1/mcp/servers/id-alpha/oauth/authorize').flush({
        authorization_url: 'https://auth.example/authorize',
        expires_at: expires.toISOString(),
      });
      await settle(fixture);
      expect(open).toHaveBeenCalledExactlyOnceWith('https://auth.example/authorize', '_blank');
      const el = fixture.nativeElement as HTMLElement;
      expect(el.querySelector('[data-testid="authorize-waiting"]')).not.toBeNull();
      expect(button('authorize').closest('.action-wrap')?.getAttribute('title')).toMatch(
        /^Waiting for authorization \(expires \d\d:\d\d\); click to start again$/,
      );

      const authorized = serverView({ ...oauth, health_status: 'healthy' });
      TestBed.inject(ServersStore).upsert(authorized);
      fixture.componentRef.setInput('server', authorized);
      await fixture.whenStable();
      expect(el.querySelector('[data-testid="authorize-waiting"]')).toBeNull();
      expect(button('authorize').classList).not.toContain('primary');
    });
  });
});
