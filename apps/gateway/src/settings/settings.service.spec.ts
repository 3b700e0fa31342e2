import { RUNTIME_DEFAULTS } from '@omni2/contracts';
import { withEffectiveLogLevel } from './settings.service';

describe('withEffectiveLogLevel', () => {
  const unset = { key: 'logging', value: RUNTIME_DEFAULTS.logging, updated_at: null } as const;

  it('shows the level this replica logs at while no operator has set one', () => {
    expect(withEffectiveLogLevel(unset, 'debug').value).toEqual({
      level: 'debug',
      component_names: [],
    });
  });

  it('keeps a stored setting, other keys, and a LOG_LEVEL the setting cannot express', () => {
    const stored = { ...unset, updated_at: '2026-11-24T08:00:00.000Z' };
    expect(withEffectiveLogLevel(stored, 'debug')).toBe(stored);
    const other = { key: 'health_log', value: { retention_days: 30 }, updated_at: null } as const;
    expect(withEffectiveLogLevel(other, 'debug')).toBe(other);
    expect(withEffectiveLogLevel(unset, 'silent')).toBe(unset);
  });
});
