import {
  circuitChangeText,
  downtimeSecondsOf,
  failuresTowardThreshold,
  lastCheckOf,
  suspicionOf,
  suspicionText,
} from './health-words';

describe('health words', () => {
  const closed = { status: 'active', circuit_state: 'closed' } as const;

  it('marks a server failing below the threshold, and only then', () => {
    expect(suspicionOf({ ...closed, consecutive_failures: 0 }, 5)).toBeNull();
    const s = suspicionOf({ ...closed, consecutive_failures: 4 }, 5);
    expect(s && suspicionText(s)).toBe('failing 4/5');
    // Open or half-open circuits, and disabled servers, say so in their status instead.
    expect(
      suspicionOf({ ...closed, circuit_state: 'open', consecutive_failures: 5 }, 5),
    ).toBeNull();
    expect(suspicionOf({ ...closed, status: 'inactive', consecutive_failures: 3 }, 5)).toBeNull();
  });

  it('never counts failures past the threshold', () => {
    expect(failuresTowardThreshold({ ...closed, consecutive_failures: 3 }, 5)).toBe(3);
    expect(
      failuresTowardThreshold({ ...closed, circuit_state: 'open', consecutive_failures: 8 }, 5),
    ).toBe(5);
    // A threshold lowered below the count still reads k/threshold at most.
    expect(failuresTowardThreshold({ ...closed, consecutive_failures: 4 }, 3)).toBe(3);
  });

  it('reports the last check itself, not the last good one', () => {
    const base = {
      last_health_check: '2026-01-01T00:02:00.000Z',
      last_success_at: '2026-01-01T00:01:00.000Z',
      last_response_time_ms: 12,
      last_error: 'HTTP 500',
      last_error_kind: 'protocol' as const,
    };
    expect(lastCheckOf(base)).toEqual({
      at: base.last_health_check,
      ok: false,
      error_kind: 'protocol',
      error: 'HTTP 500',
    });
    const ok = { ...base, last_success_at: base.last_health_check, last_error: null };
    expect(lastCheckOf(ok)).toEqual({ at: base.last_health_check, ok: true, response_time_ms: 12 });
    expect(lastCheckOf({ ...base, last_health_check: null })).toBeNull();
    // Never successful: the check failed.
    expect(lastCheckOf({ ...base, last_success_at: null })?.ok).toBe(false);
  });

  it('adds the outage going on to the ended ones', () => {
    const now = Date.parse('2026-01-01T00:10:00.000Z');
    expect(downtimeSecondsOf({ total_downtime_seconds: 30, down_since: null }, now)).toBe(30);
    expect(
      downtimeSecondsOf(
        { total_downtime_seconds: 30, down_since: '2026-01-01T00:08:00.000Z' },
        now,
      ),
    ).toBe(150);
  });

  it('says what a circuit change means', () => {
    expect(circuitChangeText('half_open', 'open')).toBe(
      'recovery probe failed: circuit open again',
    );
    expect(circuitChangeText('closed', 'open')).toBe('circuit opened');
    expect(circuitChangeText('open', 'half_open')).toBe('recovering: probing');
    expect(circuitChangeText('half_open', 'closed')).toBe('recovered: circuit closed');
  });
});
