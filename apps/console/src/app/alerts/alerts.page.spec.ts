import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type {
  AlertChannelView,
  AlertRuleView,
  ChannelTestResult,
  DeliveryPage,
  DeliveryView,
} from '@omni2/contracts';
import { Realtime } from '../core/realtime.service';
import { event, settle, signInAs, testProviders, windowView } from '../core/testing';
import { AlertsPage } from './alerts.page';

const HOOK: AlertChannelView = {
  id: 'c1',
  name: 'ops-hook',
  kind: 'webhook',
  config: { url: 'http://127.0.0.1:9/hook', secret: '***' },
  enabled: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

const RULE: AlertRuleView = {
  id: 'r1',
  name: 'all-down',
  events: ['server_down'],
  server_scope: 'all',
  server_ids: [],
  name_pattern: null,
  min_failures: 2,
  min_duration_seconds: 0,
  reminder_interval_seconds: null,
  send_recovery: true,
  channel_ids: ['c1'],
  enabled: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

function delivery(id: string, patch: Partial<DeliveryView> = {}): DeliveryView {
  return {
    id,
    channel_id: 'c1',
    channel_name: 'ops-hook',
    channel_kind: 'webhook',
    rule_id: null,
    server_id: null,
    event: 'critical_alert',
    kind: 'test',
    status: 'sent',
    attempts: 1,
    title: 'Test from omni2',
    last_status_code: 200,
    last_error: null,
    response: '{"received":true}',
    created_at: new Date().toISOString(),
    next_attempt_at: null,
    finished_at: new Date().toISOString(),
    ...patch,
  };
}

const params = (req: TestRequest) =>
  Object.fromEntries(req.request.params.keys().map((k) => [k, req.request.params.get(k)]));

describe('AlertsPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  afterEach(() => http.verify());

  async function open() {
    const fixture = TestBed.createComponent(AlertsPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/alerts/channels').flush([HOOK]);
    http.expectOne('/api/v1/alerts/rules').flush([RULE]);
    http.expectOne('/api/v1/maintenance-windows').flush([
      windowView({
        current_or_next: { starts_at: '2000-01-01T00:00:00Z', ends_at: '2999-01-01T00:00:00Z' },
      }),
    ]);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const tab = async (name: string) => {
      el.querySelector<HTMLButtonElement>(`[data-tab="${name}"]`)!.click();
      await settle(fixture);
    };
    return { fixture, el, tab };
  }

  it('lists channels and shows a test send’s answer inline', async () => {
    const { fixture, el } = await open();
    const row = el.querySelector('[data-channel="ops-hook"]')!;
    expect(row.textContent).toContain('Webhook (signed JSON)');
    expect(row.textContent).toContain('http://127.0.0.1:9/hook');
    row.querySelector<HTMLButtonElement>('[data-action="test"]')!.click();
    await fixture.whenStable();
    expect(row.querySelector('[data-action="test"]')!.textContent).toContain('Sending…');
    const req = http.expectOne('/api/v1/alerts/channels/c1/test');
    expect(req.request.method).toBe('POST');
    req.flush({
      ok: false,
      status_code: 503,
      response: 'upstream busy, retry later',
      error: 'HTTP 503',
      delivery_id: 'd1',
    } satisfies ChannelTestResult);
    await settle(fixture);
    const result = row.querySelector('[data-testid="test-result"]')!;
    expect(result.getAttribute('data-ok')).toBe('false');
    expect(result.textContent).toBe('failed · HTTP 503 · HTTP 503 · upstream busy, retry later');
  });

  it('toggles a channel and deletes it after a confirmation', async () => {
    const { fixture, el } = await open();
    const row = el.querySelector('[data-channel="ops-hook"]')!;
    const toggle = row.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    toggle.click();
    const patch = http.expectOne('/api/v1/alerts/channels/c1');
    expect(patch.request.body).toEqual({ enabled: false });
    patch.flush({ ...HOOK, enabled: false });
    await settle(fixture);
    expect(el.querySelector('[data-channel="ops-hook"]')!.textContent).toContain('off');

    el.querySelector<HTMLButtonElement>(
      '[data-channel="ops-hook"] [data-action="delete"]',
    )!.click();
    await fixture.whenStable();
    const confirm = document.querySelector('o2-confirm')!;
    expect(confirm.textContent).toContain('Delete the channel ops-hook? Rules stop sending to it.');
    const buttons = confirm.querySelectorAll<HTMLButtonElement>('button');
    buttons[buttons.length - 1].click();
    http
      .expectOne((r) => r.method === 'DELETE' && r.url === '/api/v1/alerts/channels/c1')
      .flush(null);
    await settle(fixture);
    expect(el.querySelector('[data-channel="ops-hook"]')).toBeNull();
  });

  it('shows rules in words and windows with an "active now" badge; reloads on an alerts change', async () => {
    const { fixture, el, tab } = await open();
    await tab('rules');
    const rule = el.querySelector('[data-rule="all-down"]')!;
    expect(rule.textContent).toContain('A server goes down (its circuit opens)');
    expect(rule.textContent).toContain('All servers');
    expect(rule.textContent).toContain('after 2 failed checks; recovery sent');
    expect(rule.textContent).toContain('ops-hook');

    await tab('windows');
    const w = el.querySelector('[data-window="patching"]')!;
    expect(w.querySelector('[data-testid="on-now"]')?.textContent).toContain('active now');

    TestBed.inject(Realtime).accept(
      event('mcp_config_changed', { key: 'alerts', action: 'updated', server: null }),
    );
    http.expectOne('/api/v1/alerts/channels').flush([HOOK]);
    http.expectOne('/api/v1/alerts/rules').flush([]);
    http.expectOne('/api/v1/maintenance-windows').flush([]);
    await settle(fixture);
    expect(el.querySelector('[data-window="patching"]')).toBeNull();
    expect(el.textContent).toContain('No maintenance windows.');
  });

  it('pages the delivery log, filters it by channel and status, and refreshes it', async () => {
    const { fixture, el, tab } = await open();
    await tab('deliveries');
    const first = http.expectOne((r) => r.url === '/api/v1/alerts/deliveries');
    first.flush({
      items: [delivery('d2', { status: 'failed', last_status_code: 500, last_error: 'HTTP 500' })],
      next_cursor: 'CUR',
    } satisfies DeliveryPage);
    await settle(fixture);
    const row = el.querySelector('[data-delivery="d2"]')!;
    expect(row.querySelector('[data-testid="delivery-status"]')?.textContent).toBe('failed');
    expect(row.textContent).toContain('500');
    expect(row.textContent).toContain('HTTP 500');

    el.querySelector<HTMLButtonElement>('[data-testid="older-deliveries"]')!.click();
    const older = http.expectOne((r) => r.url === '/api/v1/alerts/deliveries');
    expect(params(older)).toMatchObject({ before: 'CUR' });
    older.flush({ items: [delivery('d1')], next_cursor: null });
    await settle(fixture);
    expect(
      [...el.querySelectorAll('[data-delivery]')].map((r) => r.getAttribute('data-delivery')),
    ).toEqual(['d2', 'd1']);
    expect(el.querySelector('[data-testid="older-deliveries"]')).toBeNull();

    const select = (name: string, value: string) => {
      const s = el.querySelector<HTMLSelectElement>(`[data-filter="${name}"]`)!;
      s.value = value;
      s.dispatchEvent(new Event('change'));
    };
    select('channel', 'c1');
    select('status', 'sent');
    // Two filter changes: the answer to the first is dropped.
    const [stale, fresh] = http.match((r) => r.url === '/api/v1/alerts/deliveries');
    expect(params(stale)).toEqual({ limit: '50', channel_id: 'c1' });
    expect(params(fresh)).toEqual({ limit: '50', channel_id: 'c1', status: 'sent' });
    fresh.flush({ items: [], next_cursor: null });
    stale.flush({ items: [delivery('stale')], next_cursor: null });
    await settle(fixture);
    expect(el.querySelector('[data-testid="deliveries-empty"]')?.textContent).toContain(
      'Nothing delivered yet.',
    );

    el.querySelector<HTMLButtonElement>('[data-testid="refresh-deliveries"]')!.click();
    http
      .expectOne((r) => r.url === '/api/v1/alerts/deliveries')
      .flush({ items: [delivery('d3')], next_cursor: null });
    await settle(fixture);
    expect(el.querySelector('[data-delivery="d3"]')).not.toBeNull();
  });

  it('lets an operator manage windows only, saying why the rest is disabled', async () => {
    signInAs('operator');
    const { el, tab } = await open();
    const add = el.querySelector<HTMLButtonElement>('[data-testid="add-channel"]')!;
    expect(add.disabled).toBe(true);
    expect(add.parentElement!.getAttribute('title')).toBe(
      'Needs the admin role (you are operator)',
    );
    expect(el.querySelector<HTMLButtonElement>('[data-action="test"]')!.disabled).toBe(true);
    await tab('windows');
    expect(el.querySelector<HTMLButtonElement>('[data-testid="add-window"]')!.disabled).toBe(false);
    expect(
      el.querySelector<HTMLButtonElement>('[data-window="patching"] [data-action="delete"]')!
        .disabled,
    ).toBe(false);
  });
});
