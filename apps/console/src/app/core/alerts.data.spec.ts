import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import type { DeliveryPage, DeliveryView } from '@omni2/contracts';
import { AlertChannels, Deliveries, MaintenanceWindows, isOnNow } from './alerts.data';
import { Clock } from './clock.service';
import { Realtime } from './realtime.service';
import { drain, event, testProviders, windowView } from './testing';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

function delivery(id: string, patch: Partial<DeliveryView> = {}): DeliveryView {
  return {
    id,
    channel_id: 'c1',
    channel_name: 'ops',
    channel_kind: 'webhook',
    rule_id: null,
    server_id: null,
    event: 'critical_alert',
    kind: 'test',
    status: 'sent',
    attempts: 1,
    title: 'Test',
    last_status_code: 200,
    last_error: null,
    response: '{"received":true}',
    created_at: '2026-06-01T12:00:00.000Z',
    next_attempt_at: null,
    finished_at: '2026-06-01T12:00:00.000Z',
    ...patch,
  };
}

const params = (req: TestRequest) =>
  Object.fromEntries(req.request.params.keys().map((k) => [k, req.request.params.get(k)]));

describe('alerts data', () => {
  let http: HttpTestingController;
  const now = signal(NOW);

  beforeEach(() => {
    now.set(NOW);
    TestBed.configureTestingModule({
      providers: testProviders({ provide: Clock, useValue: { now } }),
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('loads once, then again only when an alerts change arrives on the stream', async () => {
    const channels = TestBed.inject(AlertChannels);
    const realtime = TestBed.inject(Realtime);
    // Not loaded yet: a change says nothing to it.
    realtime.accept(
      event('mcp_config_changed', { key: 'alerts', action: 'updated', server: null }),
    );
    http.expectNone('/api/v1/alerts/channels');

    channels.ensureLoaded();
    channels.ensureLoaded();
    http.expectOne('/api/v1/alerts/channels').flush([]);
    await drain();
    expect(channels.loaded()).toBe(true);

    realtime.accept(
      event('mcp_config_changed', { key: 'health_check', action: 'updated', server: null }),
    );
    http.expectNone('/api/v1/alerts/channels');
    realtime.accept(
      event('mcp_config_changed', { key: 'alerts', action: 'updated', server: null }),
    );
    http.expectOne('/api/v1/alerts/channels').flush([]);
  });

  it('marks the servers a window on now covers, by scope, until its occurrence ends', async () => {
    const windows = TestBed.inject(MaintenanceWindows);
    windows.ensureLoaded();
    http.expectOne('/api/v1/maintenance-windows').flush([
      windowView({ id: 'a', name: 'all-of-them' }),
      windowView({
        id: 'p',
        name: 'web-only',
        server_scope: 'pattern',
        name_pattern: 'web-*',
        current_or_next: {
          starts_at: '2026-06-01T11:30:00.000Z',
          ends_at: '2026-06-01T12:30:00.000Z',
        },
      }),
      windowView({ id: 'l', name: 'listed', server_scope: 'list', server_ids: ['id-db'] }),
      windowView({
        id: 'later',
        name: 'later',
        current_or_next: {
          starts_at: '2026-06-02T00:00:00.000Z',
          ends_at: '2026-06-02T01:00:00.000Z',
        },
      }),
    ]);
    await drain();
    expect(windows.activeFor({ id: 'id-web', name: 'web-1' })).toEqual([
      { name: 'web-only', ends_at: '2026-06-01T12:30:00.000Z' },
      { name: 'all-of-them', ends_at: '2026-06-01T13:00:00.000Z' },
    ]);
    expect(windows.activeFor({ id: 'id-db', name: 'db' }).map((w) => w.name)).toEqual([
      'all-of-them',
      'listed',
    ]);
    now.set(Date.parse('2026-06-01T12:30:00.000Z'));
    expect(windows.activeFor({ id: 'id-web', name: 'web-1' }).map((w) => w.name)).toEqual([
      'all-of-them',
    ]);
    expect(isOnNow(windowView(), Date.parse('2026-06-01T13:00:00.000Z'))).toBe(false);
    expect(isOnNow(windowView({ current_or_next: null }), NOW)).toBe(false);
  });

  it('pages the delivery log with the cursor and filters on the gateway', async () => {
    const log = TestBed.inject(Deliveries);
    void log.load();
    const first = http.expectOne((r) => r.url === '/api/v1/alerts/deliveries');
    expect(params(first)).toEqual({ limit: '50' });
    first.flush({ items: [delivery('d2')], next_cursor: 'CUR' } satisfies DeliveryPage);
    await drain();
    expect(log.items().map((d) => d.id)).toEqual(['d2']);

    void log.older();
    const older = http.expectOne((r) => r.url === '/api/v1/alerts/deliveries');
    expect(params(older)).toEqual({ limit: '50', before: 'CUR' });
    older.flush({ items: [delivery('d1')], next_cursor: null } satisfies DeliveryPage);
    await drain();
    expect(log.items().map((d) => d.id)).toEqual(['d2', 'd1']);
    expect(log.nextCursor()).toBeNull();

    // Two filter changes in a row: only the answer to the second is kept.
    void log.setFilters({ status: 'failed' });
    void log.setFilters({ channel_id: 'c1' });
    const [stale, fresh] = http.match((r) => r.url === '/api/v1/alerts/deliveries');
    expect(params(fresh)).toEqual({ limit: '50', status: 'failed', channel_id: 'c1' });
    fresh.flush({ items: [delivery('f', { status: 'failed' })], next_cursor: null });
    stale.flush({ items: [delivery('stale')], next_cursor: null });
    await drain();
    expect(log.items().map((d) => d.id)).toEqual(['f']);
  });
});
