import { TestBed } from '@angular/core/testing';
import { Notifier } from './notifier.service';
import { Realtime } from './realtime.service';
import { event, testProviders } from './testing';
import { Toasts } from './toasts.service';

describe('Notifier', () => {
  let realtime: Realtime;
  let toasts: Toasts;

  beforeEach(() => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      providers: testProviders(),
    });
    realtime = TestBed.inject(Realtime);
    toasts = TestBed.inject(Toasts);
    TestBed.inject(Notifier).start();
  });

  afterEach(() => vi.useRealTimers());

  it('folds a circuit change and its status change into one toast', async () => {
    realtime.accept(
      event('circuit_breaker_state', {
        old_state: 'closed',
        new_state: 'open',
        consecutive_failures: 5,
        failure_cycles: 0,
        next_attempt_at: null,
      }),
    );
    realtime.accept(
      event('mcp_status_change', {
        old_status: 'healthy',
        new_status: 'circuit_open',
        reason: 'x',
        recovery_eta: null,
      }),
    );
    await vi.advanceTimersByTimeAsync(300);
    expect(toasts.list().map((t) => t.text)).toEqual([
      'alpha: circuit opened · healthy → circuit open',
    ]);
    expect(toasts.list()[0].link).toBe('/servers/id-alpha');
  });

  it('says that a recovery probe failed when a half-open circuit opens again', async () => {
    realtime.accept(
      event('circuit_breaker_state', {
        old_state: 'open',
        new_state: 'half_open',
        consecutive_failures: 5,
        failure_cycles: 0,
        next_attempt_at: null,
      }),
    );
    realtime.accept(
      event('circuit_breaker_state', {
        old_state: 'half_open',
        new_state: 'open',
        consecutive_failures: 6,
        failure_cycles: 1,
        next_attempt_at: null,
      }),
    );
    await vi.advanceTimersByTimeAsync(300);
    expect(toasts.list().map((t) => t.text)).toEqual([
      'alpha: recovering: probing · recovery probe failed: circuit open again',
    ]);
  });

  it('summarises a burst across many servers in one toast', async () => {
    for (const n of [1, 2, 3, 4, 5]) {
      realtime.accept(
        event(
          'mcp_status_change',
          { old_status: 'healthy', new_status: 'circuit_open', reason: 'x', recovery_eta: null },
          { server_id: `s${n}`, mcp_name: `s${n}` },
        ),
      );
    }
    await vi.advanceTimersByTimeAsync(300);
    expect(toasts.list().map((t) => t.text)).toEqual(['5 servers changed: 5 circuit open']);
  });

  it('stays quiet for health checks and for history older than the session', async () => {
    realtime.accept(
      event('mcp_health_check', {
        ok: true,
        response_time_ms: 1,
        error: null,
        error_kind: null,
        consecutive_failures: 0,
        health_status: 'healthy',
      }),
    );
    realtime.accept(
      event(
        'mcp_auto_disabled',
        { reason: 'old', failure_cycles: 3, downtime_seconds: 10 },
        { timestamp: '2020-01-01T00:00:00.000Z' },
      ),
    );
    await vi.advanceTimersByTimeAsync(300);
    expect(toasts.list()).toEqual([]);
  });
});
