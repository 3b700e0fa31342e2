import { breakerInput } from './breaker-fairness';

describe('breakerInput', () => {
  const failed = (errorKind: 'timeout' | 'unreachable', timedOutAfterMs: number | null) =>
    breakerInput({ kind: 'failed', errorKind, timedOutAfterMs, serverTimeoutMs: 30_000 });

  it('counts an answer as a success, whatever the tool said', () => {
    expect(breakerInput({ kind: 'answered' })).toBe('success');
  });

  it('never counts a cancelled call', () => {
    expect(breakerInput({ kind: 'cancelled' })).toBe('not_counted');
  });

  it('does not count a timeout the operator chose shorter than the server’s own', () => {
    expect(failed('timeout', 5_000)).toBe('not_counted');
    expect(failed('timeout', 29_999)).toBe('not_counted');
  });

  it('counts a timeout at or above the server’s own limit', () => {
    expect(failed('timeout', 30_000)).toBe('failure');
    expect(failed('timeout', 120_000)).toBe('failure');
  });

  it('counts a timeout whose limit is unknown, and every other failure', () => {
    expect(failed('timeout', null)).toBe('failure');
    expect(failed('unreachable', 5_000)).toBe('failure');
  });
});
