import { RUNTIME_DEFAULTS, RUNTIME_CONFIG_KEYS } from '@omni2/contracts';
import { SECTIONS, parseField } from './settings-fields';

describe('settings fields', () => {
  it('offers every runtime setting, and every field of each', () => {
    expect(SECTIONS.map((s) => s.key).sort()).toEqual([...RUNTIME_CONFIG_KEYS].sort());
    for (const section of SECTIONS) {
      const defaults = RUNTIME_DEFAULTS[section.key] as object;
      expect([section.key, section.fields.map((f) => f.key).sort()]).toEqual([
        section.key,
        Object.keys(defaults).sort(),
      ]);
    }
  });

  it('turns form text into the JSON the gateway expects, leaving bad numbers for its 400', () => {
    expect(parseField('int', '12')).toBe(12);
    expect(parseField('int', 'twelve')).toBe('twelve');
    expect(parseField('bool', 'true')).toBe(true);
    expect(parseField('list', ' http, coordinator ,')).toEqual(['http', 'coordinator']);
  });
});
