import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Realtime, SOCKET_FACTORY } from './realtime.service';
import { ServersStore, applyEventToServer, mergeSnapshot } from './servers.store';
import { event, serverView, testProviders } from './testing';

describe('applyEventToServer', () => {
  const s = serverView();

  it('writes a failed check without touching the last good response time', () => {
    const next = applyEventToServer(
      s,
      event('mcp_health_check', {
        ok: false,
        response_time_ms: null,
        error: 'connect ECONNREFUSED',
        error_kind: 'unreachable',
        consecutive_failures: 1,
        health_status: 'healthy',
      }),
    );
    expect(next).toMatchObject({
      consecutive_failures: 1,
      last_response_time_ms: 4,
      last_error: 'connect ECONNREFUSED',
      last_error_kind: 'unreachable',
      health_status: 'healthy',
    });
    expect(next.last_health_check).not.toBe(s.last_health_check);
  });

  it('clears the last error when a check succeeds, as the API does', () => {
    const failed = applyEventToServer(
      s,
      event('mcp_health_check', {
        ok: false,
        response_time_ms: null,
        error: 'HTTP 500',
        error_kind: 'protocol',
        consecutive_failures: 2,
        health_status: 'healthy',
      }),
    );
    const recovered = applyEventToServer(
      failed,
      event('mcp_health_check', {
        ok: true,
        response_time_ms: 9,
        error: null,
        error_kind: null,
        consecutive_failures: 0,
        health_status: 'healthy',
      }),
    );
    expect(recovered).toMatchObject({
      last_error: null,
      last_error_kind: null,
      last_response_time_ms: 9,
      consecutive_failures: 0,
    });
  });

  it('starts an outage when the circuit opens and ends it when it closes', () => {
    const opened = applyEventToServer(
      s,
      event('circuit_breaker_state', {
        old_state: 'closed',
        new_state: 'open',
        consecutive_failures: 5,
        failure_cycles: 0,
        next_attempt_at: null,
      }),
    );
    expect(opened.down_since).not.toBeNull();
    const probing = applyEventToServer(
      opened,
      event('circuit_breaker_state', {
        old_state: 'open',
        new_state: 'half_open',
        consecutive_failures: 5,
        failure_cycles: 0,
        next_attempt_at: null,
      }),
    );
    expect(probing.down_since).toBe(opened.down_since);
    const closed = applyEventToServer(
      probing,
      event('circuit_breaker_state', {
        old_state: 'half_open',
        new_state: 'closed',
        consecutive_failures: 0,
        failure_cycles: 0,
        next_attempt_at: null,
      }),
    );
    expect(closed.down_since).toBeNull();
  });

  it('applies status, circuit, auto-disable and capability changes', () => {
    const open = applyEventToServer(
      s,
      event('circuit_breaker_state', {
        old_state: 'closed',
        new_state: 'open',
        consecutive_failures: 5,
        failure_cycles: 0,
        next_attempt_at: '2026-01-01T00:01:00.000Z',
      }),
    );
    expect(open).toMatchObject({
      circuit_state: 'open',
      next_check_at: '2026-01-01T00:01:00.000Z',
    });
    const status = applyEventToServer(
      open,
      event('mcp_status_change', {
        old_status: 'healthy',
        new_status: 'circuit_open',
        reason: 'circuit opened',
        recovery_eta: null,
      }),
    );
    expect(status.health_status).toBe('circuit_open');
    const disabled = applyEventToServer(
      status,
      event('mcp_auto_disabled', {
        reason: 'down too long',
        failure_cycles: 3,
        downtime_seconds: 1800,
      }),
    );
    expect(disabled).toMatchObject({
      status: 'inactive',
      disabled_reason: 'auto',
      health_status: 'disabled',
    });
    const caps = applyEventToServer(
      s,
      event('capabilities_changed', { tools: 9, prompts: 0, resources: 2 }),
    );
    expect(caps.capabilities).toEqual({ tools: 9, prompts: 0, resources: 2 });
  });

  it('returns the same row for events that do not change it', () => {
    expect(applyEventToServer(s, event('recovery_progress', { successes: 1, required: 3 }))).toBe(
      s,
    );
  });
});

describe('ServersStore', () => {
  let store: ServersStore;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: testProviders({ provide: SOCKET_FACTORY, useValue: () => null }),
    });
    store = TestBed.inject(ServersStore);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function load(): Promise<void> {
    const done = store.load();
    http.expectOne('/api/v1/mcp/servers').flush({
      items: [serverView(), serverView({ id: 'id-bravo', name: 'bravo' })],
      total: 2,
    });
    await done;
  }

  it('patches one row in place from an event; the other rows keep their identity', async () => {
    await load();
    const bravo = store.byIdOrName('id-bravo');
    TestBed.inject(Realtime).accept(
      event('mcp_status_change', {
        old_status: 'healthy',
        new_status: 'circuit_open',
        reason: 'x',
        recovery_eta: null,
      }),
    );
    expect(store.byIdOrName('id-alpha')?.health_status).toBe('circuit_open');
    expect(store.byIdOrName('id-bravo')).toBe(bravo);
    expect(store.servers().map((s) => s.name)).toEqual(['alpha', 'bravo']);
  });

  it('fetches a row it has never seen instead of refetching the list', async () => {
    await load();
    TestBed.inject(Realtime).accept(
      event(
        'mcp_health_check',
        {
          ok: true,
          response_time_ms: 3,
          error: null,
          error_kind: null,
          consecutive_failures: 0,
          health_status: 'healthy',
        },
        { server_id: 'id-new', mcp_name: 'newcomer' },
      ),
    );
    http
      .expectOne('/api/v1/mcp/servers/id-new')
      .flush(serverView({ id: 'id-new', name: 'newcomer' }));
    await Promise.resolve();
    await Promise.resolve();
    expect(store.total()).toBe(3);
  });

  it('adds, replaces and removes rows from mcp_config_changed without a request', async () => {
    await load();
    const realtime = TestBed.inject(Realtime);
    const created = serverView({ id: 'id-new', name: 'newcomer' });
    realtime.accept(
      event(
        'mcp_config_changed',
        { key: 'server', action: 'created', server: created },
        { server_id: 'id-new', mcp_name: 'newcomer' },
      ),
    );
    expect(store.byIdOrName('id-new')).toEqual(created);
    realtime.accept(
      event(
        'mcp_config_changed',
        { key: 'server', action: 'updated', server: { ...created, description: 'edited' } },
        { server_id: 'id-new', mcp_name: 'newcomer' },
      ),
    );
    expect(store.byIdOrName('id-new')?.description).toBe('edited');
    realtime.accept(
      event(
        'mcp_config_changed',
        { key: 'server', action: 'deleted', server: null },
        { server_id: 'id-alpha' },
      ),
    );
    expect(store.servers().map((s) => s.name)).toEqual(['bravo', 'newcomer']);
    realtime.accept(
      event(
        'mcp_config_changed',
        { key: 'health_check', action: 'updated', server: null },
        { server_id: null },
      ),
    );
    expect(store.total()).toBe(2);
  });

  it('replays events that arrive while the list is loading onto the snapshot', async () => {
    const done = store.load();
    TestBed.inject(Realtime).accept(
      event('mcp_status_change', {
        old_status: 'healthy',
        new_status: 'circuit_open',
        reason: 'x',
        recovery_eta: null,
      }),
    );
    http.expectOne('/api/v1/mcp/servers').flush({ items: [serverView()], total: 1 });
    await done;
    expect(store.byIdOrName('id-alpha')?.health_status).toBe('circuit_open');
  });

  it('keeps the list and every row object when a refetch finds nothing new', async () => {
    await load();
    const before = store.servers();
    const refresh = store.refresh();
    http.expectOne('/api/v1/mcp/servers').flush({
      items: [serverView(), serverView({ id: 'id-bravo', name: 'bravo' })],
      total: 2,
    });
    await refresh;
    expect(store.servers()).toBe(before);
  });

  it('keeps unchanged rows and takes changed ones from a refetch', async () => {
    await load();
    const alpha = store.byIdOrName('id-alpha');
    const refresh = store.refresh();
    http.expectOne('/api/v1/mcp/servers').flush({
      items: [serverView(), serverView({ id: 'id-bravo', name: 'bravo', consecutive_failures: 4 })],
      total: 2,
    });
    await refresh;
    expect(store.byIdOrName('id-alpha')).toBe(alpha);
    expect(store.byIdOrName('id-bravo')?.consecutive_failures).toBe(4);
  });

  it('keeps the last good rows when a refresh fails, and says why', async () => {
    await load();
    const refresh = store.refresh();
    http
      .expectOne('/api/v1/mcp/servers')
      .flush(
        { statusCode: 500, code: 'INTERNAL', message: 'boom' },
        { status: 500, statusText: 'x' },
      );
    await refresh;
    expect(store.total()).toBe(2);
    expect(store.error()?.code).toBe('INTERNAL');
  });

  it('applies a health-check answer to its row', async () => {
    await load();
    store.applyCheck({
      server_id: 'id-bravo',
      name: 'bravo',
      ok: false,
      response_time_ms: null,
      error: 'timed out',
      error_kind: 'timeout',
      probe: 'ping',
      checked_at: '2026-02-02T00:00:00.000Z',
      health_status: 'healthy',
      consecutive_failures: 1,
    });
    expect(store.byIdOrName('bravo')).toMatchObject({
      consecutive_failures: 1,
      last_error_kind: 'timeout',
      last_health_check: '2026-02-02T00:00:00.000Z',
    });
  });
});

describe('mergeSnapshot', () => {
  const alpha = serverView();
  const bravo = serverView({ id: 'id-bravo', name: 'bravo' });
  const current = new Map([
    [alpha.id, alpha],
    [bravo.id, bravo],
  ]);

  it('returns the current map when the snapshot says the same, nested values included', () => {
    const copy = (s: typeof alpha) => JSON.parse(JSON.stringify(s)) as typeof alpha;
    expect(mergeSnapshot(current, [copy(alpha), copy(bravo)])).toBe(current);
  });

  it('sees new, removed, reordered and changed rows', () => {
    const charlie = serverView({ id: 'id-charlie', name: 'charlie' });
    expect(mergeSnapshot(current, [alpha, bravo, charlie]).size).toBe(3);
    expect(mergeSnapshot(current, [alpha]).size).toBe(1);
    expect([...mergeSnapshot(current, [bravo, alpha]).keys()]).toEqual(['id-bravo', 'id-alpha']);
    const changed = mergeSnapshot(current, [alpha, { ...bravo, last_error: 'refused' }]);
    expect(changed).not.toBe(current);
    expect(changed.get('id-alpha')).toBe(alpha);
    expect(changed.get('id-bravo')?.last_error).toBe('refused');
  });
});
