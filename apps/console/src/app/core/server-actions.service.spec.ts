import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ServerActions, firstCheckText } from './server-actions.service';
import { ServersStore } from './servers.store';
import { checkResult, flushValidationFailed, serverView, testProviders } from './testing';
import { Toasts } from './toasts.service';

/** Yields one macrotask turn, with no delay of its own. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Polls until the awaits behind an HTTP answer have shown their effect, with a deadline. */
async function until(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await nextTask();
  }
}

describe('ServerActions.save', () => {
  let http: HttpTestingController;
  let actions: ServerActions;
  let store: ServersStore;
  let toasts: Toasts;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    actions = TestBed.inject(ServerActions);
    store = TestBed.inject(ServersStore);
    toasts = TestBed.inject(Toasts);
  });

  afterEach(() => http.verify());

  const texts = () => toasts.list().map((t) => `${t.kind}: ${t.text}`);

  it('adds a server, puts it in the list, and runs its first check at once', async () => {
    const body = { name: 'fresh', protocol: 'streamable_http', url: 'http://127.0.0.1:4000/mcp' };
    const saving = actions.save(null, body);
    const req = http.expectOne('/api/v1/mcp/servers');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual(body);
    const created = serverView({ id: 'id-fresh', name: 'fresh', health_status: 'unknown' });
    req.flush(created, { status: 201, statusText: 'Created' });
    expect(await saving).toEqual({ ok: true, view: created });
    expect(store.byIdOrName('id-fresh')).toEqual(created);
    expect(texts()).toEqual(['info: fresh added; running its first check…']);

    const check = http.expectOne('/api/v1/mcp/servers/id-fresh/health-check');
    expect(check.request.method).toBe('POST');
    check.flush(checkResult());
    await until(() => texts().length === 2, 'the first check toast');
    expect(texts().at(-1)).toBe('success: fresh: first check healthy (answered in 4 ms)');
    expect(store.byIdOrName('id-fresh')?.health_status).toBe('healthy');
  });

  it('adds a disabled server without checking it', async () => {
    const saving = actions.save(null, { name: 'off', status: 'inactive' });
    http
      .expectOne('/api/v1/mcp/servers')
      .flush(serverView({ id: 'id-off', name: 'off', status: 'inactive' }), {
        status: 201,
        statusText: 'Created',
      });
    expect((await saving).ok).toBe(true);
    await until(() => texts().length > 0, 'the saved toast');
    expect(texts()).toEqual(['success: off added (disabled)']);
    http.expectNone('/api/v1/mcp/servers/id-off/health-check');
  });

  it('sends an edit as a PATCH of what changed, and does not check it', async () => {
    const original = serverView();
    store.upsert(original);
    const saving = actions.save(original, { description: 'edited' });
    const req = http.expectOne('/api/v1/mcp/servers/id-alpha');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ description: 'edited' });
    const edited = serverView({ description: 'edited' });
    req.flush(edited);
    expect(await saving).toEqual({ ok: true, view: edited });
    expect(store.byIdOrName('id-alpha')?.description).toBe('edited');
    await until(() => texts().length > 0, 'the saved toast');
    expect(texts()).toEqual(['success: alpha saved']);
  });

  it('sends nothing for an edit that changes nothing', async () => {
    const original = serverView();
    expect(await actions.save(original, {})).toEqual({ ok: true, view: original });
    expect(texts()).toEqual(['success: alpha saved']);
  });

  it('hands a refusal back with its field errors, leaving the list and the toasts alone', async () => {
    const saving = actions.save(null, { name: 'Bad Name' });
    flushValidationFailed(http.expectOne('/api/v1/mcp/servers'), [
      { field: 'name', message: 'must be lowercase' },
    ]);
    const outcome = await saving;
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('VALIDATION_FAILED');
    expect(outcome.error.fieldErrors).toEqual([{ field: 'name', message: 'must be lowercase' }]);
    expect(store.total()).toBe(0);
    expect(toasts.list()).toEqual([]);
  });
});

describe('firstCheckText', () => {
  const view = serverView({ name: 'fresh' });

  it('says which layer failed and why', () => {
    expect(
      firstCheckText(
        view,
        checkResult({
          ok: false,
          response_time_ms: null,
          error: 'fetch failed',
          error_kind: 'unreachable',
        }),
      ),
    ).toBe('fresh: first check failed: unreachable (no connection to the server) — fetch failed');
    expect(firstCheckText(view, checkResult({ response_time_ms: null }))).toBe(
      'fresh: first check healthy (answered)',
    );
  });
});
