import { FakeClock } from '../../test/support/fake-clock';
import { CallRateLimiter } from './call-rate-limiter';

describe('CallRateLimiter', () => {
  it('allows a minute of calls at once, then one per 60/n seconds, per caller', () => {
    const clock = new FakeClock(0);
    const limiter = new CallRateLimiter(clock);
    for (let i = 0; i < 6; i++) limiter.take('a', 6, 'calls');
    expect(() => limiter.take('a', 6, 'calls')).toThrow(/at most 6 per minute; try again in 10 s/);
    limiter.take('b', 6, 'calls');
    clock.t += 9_999;
    expect(() => limiter.take('a', 6, 'calls')).toThrow(/try again in 1 s/);
    clock.t += 1;
    limiter.take('a', 6, 'calls');
    expect(() => limiter.take('a', 6, 'calls')).toThrow();
  });
});
