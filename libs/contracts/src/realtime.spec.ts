import { compareEventIds } from './realtime';

describe('compareEventIds', () => {
  it('orders stream ids numerically', () => {
    expect(compareEventIds('1700000000000-10', '1700000000000-9')).toBeGreaterThan(0);
    expect(compareEventIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareEventIds('1700000000000-3', '1700000000000-3')).toBe(0);
  });

  it('stays exact past 2^53, where Number would call two ids equal', () => {
    expect(compareEventIds('1-9007199254740993', '1-9007199254740992')).toBeGreaterThan(0);
    expect(compareEventIds('9007199254740993-0', '9007199254740992-5')).toBeGreaterThan(0);
  });

  it('falls back to string order for other shapes instead of throwing', () => {
    expect(compareEventIds('b', 'a')).toBeGreaterThan(0);
    expect(compareEventIds('1-0', 'x')).toBeLessThan(0);
    expect(compareEventIds('x', 'x')).toBe(0);
  });
});
