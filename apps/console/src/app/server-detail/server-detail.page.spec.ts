import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { CapabilitiesView, McpServerView, UptimeView } from '@omni2/contracts';
import { ServersStore } from '../core/servers.store';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
import { ServerDetailPage } from './server-detail.page';

describe('ServerDetailPage protocol', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('viewer');
  });

  /** The detail page of a server the list already holds (its other panels wait on HTTP). */
  async function render(patch: Partial<McpServerView>) {
    TestBed.inject(ServersStore).upsert(serverView(patch));
    const fixture = TestBed.createComponent(ServerDetailPage);
    fixture.componentRef.setInput('id', 'id-alpha');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const field = (id: string) =>
      el
        .querySelector<HTMLElement>(`[data-testid="${id}"]`)
        ?.textContent?.replace(/\s+/g, ' ')
        .trim();
    return { el, field };
  }

  it('shows the protocol as era and revision, and the transport', async () => {
    const modern = await render({ protocol_era: 'modern', protocol_version: '2026-07-28' });
    expect(modern.field('protocol')).toBe('modern · 2026-07-28');
    expect(modern.field('transport')).toBe('Streamable HTTP');
    expect(modern.field('deprecated')).toBeUndefined();
  });

  it('says when the server was never contacted', async () => {
    const { field } = await render({
      protocol: 'stdio',
      protocol_era: null,
      protocol_version: null,
    });
    expect(field('protocol')).toBe('not yet contacted');
    expect(field('transport')).toBe('stdio');
    expect(field('deprecated')).toBeUndefined();
  });

  it('lists what is deprecated, in the same words as the table', async () => {
    const { el, field } = await render({
      protocol: 'sse',
      protocol_era: 'legacy',
      protocol_version: '2025-03-26',
    });
    expect(field('protocol')).toBe('legacy · 2025-03-26');
    expect(field('transport')).toBe('HTTP+SSE');
    const notes = [...el.querySelectorAll('[data-testid="deprecated"] .deprecated-note')].map((n) =>
      n.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(notes).toEqual([
      '⚠︎ Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26',
      '⚠︎ Speaks MCP 2025-03-26, a deprecated revision',
    ]);
    expect(el.querySelector('[data-testid="deprecated"] [aria-hidden="true"]')).not.toBeNull();
  });
});

describe('ServerDetailPage capabilities', () => {
  const caps: CapabilitiesView = {
    server_id: 'id-alpha',
    name: 'alpha',
    tools: [],
    prompts: [{ name: 'greet', description: 'Says hello', arguments: [{ name: 'who' }] }],
    resources: [{ uri: 'file:///motd.txt', name: 'motd', description: 'Message of the day' }],
    cached_at: new Date().toISOString(),
    server_info: null,
    protocol_version: '2025-11-25',
    cache_hint: null,
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
  });

  async function render() {
    TestBed.inject(ServersStore).upsert(serverView());
    const fixture = TestBed.createComponent(ServerDetailPage);
    fixture.componentRef.setInput('id', 'id-alpha');
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    for (const req of http.match('/api/v1/mcp/servers/id-alpha/capabilities')) req.flush(caps);
    await settle(fixture);
    return { fixture, http, el: fixture.nativeElement as HTMLElement };
  }

  it('offers Read on each resource and Get on each prompt, and reads a resource', async () => {
    signInAs('operator');
    const { fixture, http, el } = await render();
    const resources = el.querySelector<HTMLElement>('[data-testid="resources"]')!;
    const prompts = el.querySelector<HTMLElement>('[data-testid="prompts"]')!;
    expect(resources.textContent).toContain('file:///motd.txt');
    expect(prompts.textContent).toContain('greet');
    expect(
      prompts.querySelector<HTMLButtonElement>('[data-testid="prompt-toggle"]')?.disabled,
    ).toBe(false);
    resources.querySelector<HTMLButtonElement>('[data-testid="resource-read"]')!.click();
    http.expectOne('/api/v1/mcp/servers/id-alpha/resources/read').flush({
      server_id: 'id-alpha',
      uri: 'file:///motd.txt',
      contents: [{ uri: 'file:///motd.txt', text: 'Welcome' }],
      duration_ms: 1,
    });
    await settle(fixture);
    expect(resources.querySelector('[data-testid="resource-panel"] pre')?.textContent).toBe(
      'Welcome',
    );
  });

  it('keeps Read and Get disabled for a viewer', async () => {
    signInAs('viewer');
    const { el } = await render();
    expect(el.querySelector<HTMLButtonElement>('[data-testid="resource-read"]')?.disabled).toBe(
      true,
    );
    expect(el.querySelector<HTMLButtonElement>('[data-testid="prompt-toggle"]')?.disabled).toBe(
      true,
    );
  });
});

describe('ServerDetailPage OAuth authorization', () => {
  const needsAuth: Partial<McpServerView> = {
    auth_type: 'oauth',
    oauth_grant: 'authorization_code',
    auth_config: null,
    health_status: 'auth_required',
    last_error_kind: 'auth',
    last_error: 'no usable OAuth token',
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
  });

  afterEach(() => vi.restoreAllMocks());

  async function render(patch: Partial<McpServerView>) {
    TestBed.inject(ServersStore).upsert(serverView(patch));
    const fixture = TestBed.createComponent(ServerDetailPage);
    fixture.componentRef.setInput('id', 'id-alpha');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const http = TestBed.inject(HttpTestingController);
    const q = <T extends HTMLElement>(selector: string) => el.querySelector<T>(selector);
    return { fixture, el, http, q };
  }

  it('shows the badge, says an operator must authorize, and offers a primary Authorize', async () => {
    signInAs('operator');
    const { q } = await render(needsAuth);
    expect(q('.page-head [data-status="auth_required"]')?.textContent?.trim()).toBe(
      'authorization needed',
    );
    expect(q('[data-testid="auth-banner"]')?.textContent).toContain(
      'an operator must authorize it',
    );
    const authorize = q<HTMLButtonElement>('[data-action="authorize"]')!;
    expect(authorize.textContent?.trim()).toBe('Authorize');
    expect(authorize.classList).toContain('primary');
    expect(q('[data-testid="auth"]')?.textContent).toContain('authorization code');
  });

  it('waits after Authorize until the server status changes', async () => {
    signInAs('operator');
    vi.spyOn(window, 'open').mockReturnValue({} as Window);
    const { fixture, http, q } = await render(needsAuth);
    q<HTMLButtonElement>('[data-action="authorize"]')!.click();
    const expires = new Date(Date.now() + 10 * 60_000);
    http.expectOne('/api/v1/mcp/servers/id-alpha/oauth/authorize').flush({
      authorization_url: 'https://auth.example/authorize',
      expires_at: expires.toISOString(),
    });
    await settle(fixture);
    const hhmm = [expires.getHours(), expires.getMinutes()]
      .map((n) => String(n).padStart(2, '0'))
      .join(':');
    expect(q('[data-testid="oauth-waiting"]')?.textContent?.trim()).toBe(
      `Waiting for authorization (expires ${hhmm})`,
    );
    expect(q('[data-testid="auth-banner"]')).toBeNull();

    // The gateway checked it after the callback; the realtime events brought the new status.
    TestBed.inject(ServersStore).upsert(
      serverView({ ...needsAuth, health_status: 'healthy', last_error_kind: null }),
    );
    await fixture.whenStable();
    expect(q('[data-testid="oauth-waiting"]')).toBeNull();
    expect(q('[data-action="authorize"]')?.classList).not.toContain('primary');
  });

  it('lets an admin forget the tokens after a confirmation', async () => {
    signInAs('admin');
    const { fixture, http, q } = await render(needsAuth);
    q<HTMLButtonElement>('[data-action="forget_tokens"]')!.click();
    await fixture.whenStable();
    http.expectNone('/api/v1/mcp/servers/id-alpha/oauth/tokens');
    const dialog = document.querySelector('[role="alertdialog"]')!;
    expect(dialog.textContent).toContain('Forget the OAuth tokens of alpha?');
    [...dialog.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent?.trim() === 'Forget tokens')!
      .click();
    const req = http.expectOne('/api/v1/mcp/servers/id-alpha/oauth/tokens');
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(document.querySelector('[role="alertdialog"]')).toBeNull();
  });

  it('keeps Forget OAuth tokens for admins, and both actions for the authorization code grant', async () => {
    signInAs('operator');
    const operator = await render(needsAuth);
    const forget = operator.q<HTMLButtonElement>('[data-action="forget_tokens"]')!;
    expect(forget.disabled).toBe(true);
    expect(forget.closest('.action-wrap')?.getAttribute('title')).toMatch(/Needs the admin role/);
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('admin');
    const machine = await render({ auth_type: 'oauth', oauth_grant: 'client_credentials' });
    expect(machine.q('[data-action="forget_tokens"]')).toBeNull();
    expect(machine.q('[data-action="authorize"]')).toBeNull();
    expect(machine.q('[data-testid="auth"]')?.textContent).toContain('client credentials');
  });
});

describe('ServerDetailPage uptime and maintenance', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('viewer');
  });

  it('says beside the figure how much maintenance there was and whether it counted', async () => {
    TestBed.inject(ServersStore).upsert(serverView());
    const fixture = TestBed.createComponent(ServerDetailPage);
    fixture.componentRef.setInput('id', 'id-alpha');
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    for (const req of http.match((r) => r.url.endsWith('/mcp/servers/id-alpha/uptime'))) {
      const window = req.request.params.get('window') as UptimeView['window'];
      req.flush({
        server_id: 'id-alpha',
        window,
        from: '2026-12-04T10:00:00.000Z',
        to: '2026-12-05T10:00:00.000Z',
        uptime_percent: 100,
        checks: 10,
        successful_checks: 10,
        mean_response_time_ms: 5,
        p95_response_time_ms: 9,
        downtime_seconds: 0,
        method: 'm',
        maintenance:
          window === '24h'
            ? { counted: false, excluded_checks: 4, seconds: 3_600 }
            : { counted: true, excluded_checks: 0, seconds: 0 },
      } satisfies UptimeView);
    }
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const notes = [...el.querySelectorAll('[data-testid="uptime-maintenance"]')].map((n) =>
      n.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(notes).toEqual(['1 h maintenance not counted (4 checks left out)']);
  });
});
