import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { OAuthAuthorizationStart } from '@omni2/contracts';
import { OAuthActions } from './oauth-actions.service';
import { ServersStore } from './servers.store';
import { serverView, testProviders } from './testing';
import { Toasts } from './toasts.service';

const AUTHORIZE = '/api/v1/mcp/servers/id-alpha/oauth/authorize';
const TOKENS = '/api/v1/mcp/servers/id-alpha/oauth/tokens';
const PAGE = 'https://auth.example/authorize?client_id=omni2&state=s1';

describe('OAuthActions', () => {
  // Local wall-clock times, so "expires HH:MM" reads the same in every time zone.
  const start = new Date(2030, 0, 1, 14, 0, 0);
  const expires = new Date(2030, 0, 1, 14, 10, 0);
  const waitingServer = serverView({
    auth_type: 'oauth',
    oauth_grant: 'authorization_code',
    health_status: 'auth_required',
    last_error_kind: 'auth',
  });
  let http: HttpTestingController;
  let oauth: OAuthActions;
  let store: ServersStore;
  let toasts: Toasts;
  let open: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    vi.useFakeTimers({ now: start, toFake: ['Date', 'setInterval', 'clearInterval'] });
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    oauth = TestBed.inject(OAuthActions);
    store = TestBed.inject(ServersStore);
    toasts = TestBed.inject(Toasts);
    store.upsert(waitingServer);
    open = vi.spyOn(window, 'open');
  });

  afterEach(() => {
    http.verify();
    open.mockRestore();
    vi.useRealTimers();
  });

  const texts = () => toasts.list().map((t) => `${t.kind}: ${t.text}`);
  const answer: OAuthAuthorizationStart = {
    authorization_url: PAGE,
    expires_at: expires.toISOString(),
  };

  async function authorize() {
    const tab = { opener: window } as unknown as Window;
    open.mockReturnValue(tab);
    const authorizing = oauth.authorize(waitingServer);
    expect(oauth.busyWith('id-alpha')).toBe('authorize');
    const req = http.expectOne(AUTHORIZE);
    expect(req.request.method).toBe('POST');
    req.flush(answer, { status: 201, statusText: 'Created' });
    expect(await authorizing).toEqual(answer);
    return tab;
  }

  it('starts an authorization, opens its page in a new tab and waits', async () => {
    const tab = await authorize();
    expect(open).toHaveBeenCalledExactlyOnceWith(PAGE, '_blank');
    expect(tab.opener).toBeNull();
    expect(oauth.busyWith('id-alpha')).toBeNull();
    expect(oauth.waiting('id-alpha')).toBe('Waiting for authorization (expires 14:10)');
    expect(texts()).toEqual([]);
  });

  it('stops waiting once the server status changes', async () => {
    await authorize();
    store.upsert({ ...waitingServer, health_status: 'healthy', last_error_kind: null });
    expect(oauth.waiting('id-alpha')).toBeNull();
    // Over for good: the status coming back is not the same authorization.
    TestBed.tick();
    store.upsert(waitingServer);
    expect(oauth.waiting('id-alpha')).toBeNull();
  });

  it('stops waiting when the authorization expires', async () => {
    await authorize();
    vi.advanceTimersByTime(9 * 60_000);
    expect(oauth.waiting('id-alpha')).toBe('Waiting for authorization (expires 14:10)');
    vi.advanceTimersByTime(60_000);
    expect(oauth.waiting('id-alpha')).toBeNull();
  });

  it('leaves a toast with the link when the browser blocks the tab', async () => {
    open.mockReturnValue(null);
    const authorizing = oauth.authorize(waitingServer);
    http.expectOne(AUTHORIZE).flush(answer);
    expect(await authorizing).toEqual(answer);
    expect(texts()).toEqual([
      'warning: alpha: the browser blocked the new tab; open the authorization page from here',
    ]);
    expect(toasts.list()[0].href).toBe(PAGE);
    expect(oauth.waiting('id-alpha')).toBe('Waiting for authorization (expires 14:10)');
  });

  it("shows the gateway's message when it refuses, and does not wait", async () => {
    const authorizing = oauth.authorize(waitingServer);
    http.expectOne(AUTHORIZE).flush(
      {
        statusCode: 502,
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'The authorization server https://auth.example does not answer',
      },
      { status: 502, statusText: 'Bad Gateway' },
    );
    expect(await authorizing).toBeNull();
    expect(open).not.toHaveBeenCalled();
    expect(texts()).toEqual([
      'error: alpha: authorize failed: The authorization server https://auth.example does not answer',
    ]);
    expect(oauth.waiting('id-alpha')).toBeNull();
    expect(oauth.busyWith('id-alpha')).toBeNull();
  });

  it('forgets the tokens with a DELETE and says what follows', async () => {
    await authorize();
    const forgetting = oauth.forgetTokens(waitingServer);
    expect(oauth.busyWith('id-alpha')).toBe('forget_tokens');
    const req = http.expectOne(TOKENS);
    expect(req.request.method).toBe('DELETE');
    req.flush(null, { status: 204, statusText: 'No Content' });
    expect(await forgetting).toBe(true);
    expect(texts()).toEqual([
      'info: alpha: OAuth tokens forgotten; it needs authorizing after its next check',
    ]);
    expect(oauth.waiting('id-alpha')).toBeNull();
  });

  it('says why forgetting the tokens failed', async () => {
    const forgetting = oauth.forgetTokens(waitingServer);
    http
      .expectOne(TOKENS)
      .flush(
        { statusCode: 403, code: 'FORBIDDEN', message: 'needs the admin role' },
        { status: 403, statusText: 'Forbidden' },
      );
    expect(await forgetting).toBe(false);
    expect(texts()).toEqual([
      'error: alpha: forget OAuth tokens failed: Not allowed: needs the admin role',
    ]);
  });
});
