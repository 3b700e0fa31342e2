import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ConnectionTestResult } from '@omni2/contracts';
import {
  checkResult,
  flushValidationFailed,
  serverView,
  settle,
  testProviders,
  signInAs,
} from '../core/testing';
import { Toasts } from '../core/toasts.service';
import { ServerDialog } from './server-dialog';

const FAILED: ConnectionTestResult = {
  ok: false,
  stage: 'connect',
  error_kind: 'unreachable',
  error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9',
  protocol_era: null,
  protocol_version: null,
  server_info: null,
  probe: null,
  tools: null,
  prompts: null,
  resources: null,
  tool_names: [],
  response_time_ms: null,
  duration_ms: 3,
};

const PASSED: ConnectionTestResult = {
  ok: true,
  stage: 'done',
  error_kind: null,
  error: null,
  protocol_era: 'modern',
  protocol_version: '2026-07-28',
  server_info: { name: 'kit', version: '1.2.0' },
  probe: 'discover',
  tools: 3,
  prompts: 1,
  resources: 0,
  tool_names: ['echo', 'add', 'sleep'],
  response_time_ms: 2.5,
  duration_ms: 12,
};

describe('ServerDialog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: testProviders(),
    });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  it('shows the gateway’s field errors under the fields they name', async () => {
    const fixture = TestBed.createComponent(ServerDialog);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const name = el.querySelector<HTMLInputElement>('[data-field="name"]')!;
    name.value = 'Bad Name';
    name.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('[data-testid="save-server"]')!.click();
    const req = http.expectOne('/api/v1/mcp/servers');
    expect(req.request.body).toMatchObject({
      name: 'Bad Name',
      protocol: 'streamable_http',
      url: '',
    });
    flushValidationFailed(req, [
      { field: 'name', message: 'must be 1-63 characters of lowercase letters' },
      { field: 'url', message: 'is required when protocol is streamable_http' },
    ]);
    await settle(fixture);
    const errorUnder = (field: string) =>
      el.querySelector(`[data-field="${field}"]`)?.parentElement?.querySelector('.field-error')
        ?.textContent;
    expect(errorUnder('name')).toContain('lowercase');
    expect(errorUnder('url')).toContain('is required');
    expect(el.querySelector('[data-testid="dialog-error"]')?.textContent).toContain(
      'fix the marked fields',
    );
  });

  it('shows stored credentials as stored, never their value', async () => {
    const fixture = TestBed.createComponent(ServerDialog);
    fixture.componentRef.setInput(
      'original',
      serverView({ auth_type: 'bearer', auth_config: '***' }),
    );
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="auth-stored"]')?.textContent).toContain('Stored');
    expect(el.querySelector('[data-field="auth_config.token"]')).toBeNull();
    expect(el.innerHTML).not.toContain('***');
  });

  it('is read-only for a non-admin', async () => {
    signInAs('operator');
    const fixture = TestBed.createComponent(ServerDialog);
    fixture.componentRef.setInput('original', serverView());
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector<HTMLInputElement>('[data-field="name"]')!.disabled).toBe(true);
    expect(el.querySelector<HTMLButtonElement>('[data-testid="save-server"]')!.disabled).toBe(true);
  });
});

describe('ServerDialog: test connection and the first check', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  afterEach(() => http.verify());

  async function open(original: Parameters<typeof serverView>[0] | null = null) {
    const fixture = TestBed.createComponent(ServerDialog);
    if (original) fixture.componentRef.setInput('original', serverView(original));
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const type = async (field: string, value: string) => {
      const input = el.querySelector<HTMLInputElement | HTMLSelectElement>(
        `[data-field="${field}"]`,
      )!;
      input.value = value;
      // What a browser fires: input on every edit, then change as well for a select.
      input.dispatchEvent(new Event('input'));
      if (input instanceof HTMLSelectElement) input.dispatchEvent(new Event('change'));
      await fixture.whenStable();
    };
    const button = () => el.querySelector<HTMLButtonElement>('[data-testid="test-connection"]')!;
    /** The reason shown beside the button and in its tooltip (on the wrapper). */
    const why = () => {
      const hint = el.querySelector('[data-testid="test-why"]')?.textContent?.trim() ?? null;
      expect(button().parentElement!.getAttribute('title')).toBe(hint);
      if (hint) expect(button().getAttribute('aria-describedby')).toBe('test-connection-why');
      return hint;
    };
    return { fixture, el, type, button, why };
  }

  it('is disabled, saying why, until the form can be tested', async () => {
    const { type, button, why } = await open();
    expect(button().disabled).toBe(true);
    expect(why()).toBe('Enter a name first.');
    await type('name', 'Bad Name');
    expect(why()).toContain('lowercase');
    await type('name', 'fresh');
    expect(why()).toBe('Enter an http:// or https:// URL.');
    await type('url', 'ftp://127.0.0.1/');
    expect(button().disabled).toBe(true);
    await type('url', 'http://127.0.0.1:9/mcp');
    expect(button().disabled).toBe(false);
    expect(why()).toBeNull();
    await type('timeout_seconds', '0');
    expect(why()).toContain('1 to 3600');
    await type('timeout_seconds', '5');
    await type('auth_type', 'bearer');
    expect(why()).toBe('Enter the bearer token.');
    await type('auth_config.token', 't0ken');
    expect(button().disabled).toBe(false);
  });

  it('says why for a non-admin and for stored credentials it cannot send', async () => {
    signInAs('operator');
    let d = await open({});
    expect(d.button().disabled).toBe(true);
    expect(d.why()).toContain('admin role');
    d.fixture.destroy();

    signInAs('admin');
    d = await open({ auth_type: 'bearer', auth_config: '***' });
    expect(d.button().disabled).toBe(true);
    expect(d.why()).toContain('Stored credentials never leave the gateway');
  });

  it('sends the form to test-connection and shows a failure in plain words', async () => {
    const { fixture, el, type, button } = await open();
    await type('name', 'fresh');
    await type('url', 'http://127.0.0.1:9/mcp');
    button().click();
    await fixture.whenStable();
    expect(button().disabled).toBe(true);
    expect(button().textContent).toContain('Testing');
    const req = http.expectOne('/api/v1/mcp/servers/test-connection');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toMatchObject({
      name: 'fresh',
      protocol: 'streamable_http',
      url: 'http://127.0.0.1:9/mcp',
      timeout_seconds: 30,
    });
    req.flush(FAILED);
    await settle(fixture);
    const result = el.querySelector('[data-testid="test-result"]')!;
    expect(result.getAttribute('data-ok')).toBe('false');
    expect(result.textContent).toContain(
      'Failed at connecting: unreachable (no connection to the server).',
    );
    expect(result.textContent).toContain('ECONNREFUSED');
    expect(button().disabled).toBe(false);
    // Editing the form marks the outcome as about an earlier version of it.
    await type('url', 'http://127.0.0.1:10/mcp');
    expect(result.textContent).toContain('the form has changed since this test');
  });

  it('shows what a passing test found: era, version, server and counts', async () => {
    const { fixture, el, type, button } = await open();
    await type('name', 'fresh');
    await type('url', 'http://127.0.0.1:4000/mcp');
    button().click();
    http.expectOne('/api/v1/mcp/servers/test-connection').flush(PASSED);
    await settle(fixture);
    const text = el.querySelector('[data-testid="test-result"]')!.textContent;
    expect(text).toContain('Reachable');
    expect(text).toContain('modern era (MCP 2026-07-28)');
    expect(text).toContain('server: kit 1.2.0');
    expect(text).toContain('found 3 tools, 1 prompt, 0 resources');
  });

  it('shows the gateway’s 400 under the fields, and says the test did not run', async () => {
    const { fixture, el, type, button } = await open();
    await type('name', 'fresh');
    await type('url', 'http://127.0.0.1:9/mcp');
    button().click();
    flushValidationFailed(
      http.expectOne('/api/v1/mcp/servers/test-connection'),
      [{ field: 'url', message: 'must not be this' }],
      'url: nope',
    );
    await settle(fixture);
    expect(el.querySelector('[data-testid="test-error"]')?.textContent).toContain(
      'fix the marked fields',
    );
    expect(
      el.querySelector('[data-field="url"]')?.parentElement?.querySelector('.field-error')
        ?.textContent,
    ).toContain('must not be this');
    expect(el.querySelector('[data-testid="test-result"]')).toBeNull();
  });

  it('shows an edited server’s stored choices in its controls, and saves only what changed', async () => {
    const { fixture, el, type } = await open({
      protocol: 'stdio',
      url: null,
      command: 'node',
      args: ['server.js'],
      status: 'inactive',
      timeout_seconds: 12,
    });
    http.expectOne('/api/v1/mcp/stdio-allowlist').flush({ commands: ['node'] });
    await settle(fixture);
    const value = (field: string) =>
      el.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-field="${field}"]`)!.value;
    expect(value('protocol')).toBe('stdio');
    expect(value('status')).toBe('inactive');
    expect(value('command')).toBe('node');
    expect(value('args')).toBe('server.js');
    expect(value('timeout_seconds')).toBe('12');
    expect(el.querySelector('[data-field="url"]')).toBeNull();
    await type('status', 'active');
    await type('args', 'server.js\n--verbose');
    el.querySelector<HTMLButtonElement>('[data-testid="save-server"]')!.click();
    const req = http.expectOne('/api/v1/mcp/servers/id-alpha');
    expect(req.request.method).toBe('PATCH');
    // No variables were stored, so the (empty) environment is always sent as typed.
    expect(req.request.body).toEqual({
      status: 'active',
      args: ['server.js', '--verbose'],
      env: {},
    });
    req.flush(
      serverView({ status: 'active', protocol: 'stdio', args: ['server.js', '--verbose'] }),
    );
    await settle(fixture);
    expect(
      TestBed.inject(Toasts)
        .list()
        .map((t) => t.text),
    ).toContain('alpha saved');
  });

  it('lists the allowed commands in the stdio help', async () => {
    const { fixture, el, type } = await open();
    await type('protocol', 'stdio');
    http.expectOne('/api/v1/mcp/stdio-allowlist').flush({ commands: ['node', 'npx'] });
    await settle(fixture);
    expect(el.querySelector('[data-testid="stdio-help"]')?.textContent).toContain(
      'Allowed commands: node, npx',
    );
  });

  it('runs the first check right after adding, and a failing one is shown as failing', async () => {
    const { fixture, type } = await open();
    const toasts = TestBed.inject(Toasts);
    await type('name', 'fresh');
    await type('url', 'http://127.0.0.1:9/mcp');
    (fixture.nativeElement as HTMLElement)
      .querySelector<HTMLButtonElement>('[data-testid="save-server"]')!
      .click();
    const view = serverView({ id: 'id-fresh', name: 'fresh', health_status: 'unknown' });
    http.expectOne('/api/v1/mcp/servers').flush(view, { status: 201, statusText: 'Created' });
    await settle(fixture);
    expect(toasts.list().map((t) => t.text)).toContain('fresh added; running its first check…');
    expect(toasts.list().some((t) => t.kind === 'success')).toBe(false);
    const check = checkResult({
      ok: false,
      response_time_ms: null,
      error: 'fetch failed: connect ECONNREFUSED 127.0.0.1:9',
      error_kind: 'unreachable',
      probe: 'none',
      health_status: 'unknown',
      consecutive_failures: 1,
    });
    http.expectOne('/api/v1/mcp/servers/id-fresh/health-check').flush(check);
    await settle(fixture);
    const last = toasts.list().at(-1)!;
    expect(last.kind).toBe('error');
    expect(last.text).toContain(
      'fresh: first check failed: unreachable (no connection to the server)',
    );
    expect(last.text).toContain('ECONNREFUSED');
  });

  it('reports a healthy first check', async () => {
    const { fixture, type } = await open();
    const toasts = TestBed.inject(Toasts);
    await type('name', 'fresh');
    await type('url', 'http://127.0.0.1:4000/mcp');
    (fixture.nativeElement as HTMLElement)
      .querySelector<HTMLButtonElement>('[data-testid="save-server"]')!
      .click();
    http
      .expectOne('/api/v1/mcp/servers')
      .flush(serverView({ id: 'id-fresh', name: 'fresh' }), { status: 201, statusText: 'Created' });
    await settle(fixture);
    http.expectOne('/api/v1/mcp/servers/id-fresh/health-check').flush(checkResult());
    await settle(fixture);
    const last = toasts.list().at(-1)!;
    expect(last).toMatchObject({
      kind: 'success',
      text: 'fresh: first check healthy (answered in 4 ms)',
    });
  });

  it('offers the OAuth grant; for authorization code the client is optional and has no key', async () => {
    const { fixture, el, type, why } = await open();
    await type('name', 'linear');
    await type('url', 'https://mcp.linear.example/mcp');
    await type('auth_type', 'oauth');
    const grant = el.querySelector<HTMLSelectElement>('[data-field="auth_config.grant"]')!;
    expect(grant.value).toBe('client_credentials');
    expect([...grant.options].map((o) => o.textContent?.trim())).toEqual([
      'Client credentials (machine identity)',
      'Authorization code (an operator authorizes)',
    ]);
    const fieldOf = (name: string) => el.querySelector(`[data-field="${name}"]`)?.closest('.field');
    expect(fieldOf('auth_config.client_id')?.querySelector('.req')).not.toBeNull();
    expect(el.querySelector('[data-field="auth_config.private_key"]')).not.toBeNull();

    await type('auth_config.grant', 'authorization_code');
    expect(el.querySelector('[data-field="auth_config.private_key"]')).toBeNull();
    expect(fieldOf('auth_config.client_id')?.querySelector('.req')).toBeNull();
    expect(fieldOf('auth_config.client_id')?.querySelector('.help')?.textContent).toContain(
      'Optional',
    );
    expect(fieldOf('auth_config.client_secret')?.querySelector('.help')?.textContent).toContain(
      'Optional',
    );
    expect(why()).toContain('then use Authorize');

    await type('auth_config.scopes', ' mcp:read  mcp:write ');
    el.querySelector<HTMLButtonElement>('[data-testid="save-server"]')!.click();
    const req = http.expectOne('/api/v1/mcp/servers');
    expect(req.request.body).toMatchObject({
      auth_type: 'oauth',
      auth_config: { grant: 'authorization_code', scopes: ['mcp:read', 'mcp:write'] },
    });
    expect(req.request.body.auth_config).not.toHaveProperty('client_id');
    expect(req.request.body.auth_config).not.toHaveProperty('client_secret');
    flushValidationFailed(req, [
      { field: 'auth_config.client_secret', message: 'needs a client_id' },
    ]);
    await settle(fixture);
    expect(fieldOf('auth_config.client_secret')?.querySelector('.field-error')?.textContent).toBe(
      'needs a client_id',
    );
  });

  it('shows an edited authorization code server with its grant', async () => {
    const { el, fixture } = await open({
      auth_type: 'oauth',
      oauth_grant: 'authorization_code',
      auth_config: '***',
    });
    expect(el.querySelector('[data-testid="auth-stored"]')).not.toBeNull();
    [...el.querySelectorAll<HTMLButtonElement>('[data-testid="auth-stored"] button')]
      .find((b) => b.textContent?.trim() === 'Replace')!
      .click();
    await fixture.whenStable();
    expect(el.querySelector<HTMLSelectElement>('[data-field="auth_config.grant"]')?.value).toBe(
      'authorization_code',
    );
    expect(el.querySelector('[data-field="auth_config.private_key"]')).toBeNull();
  });
});
