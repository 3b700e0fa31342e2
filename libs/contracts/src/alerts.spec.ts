import fc from 'fast-check';
import { globMatches, scopeCovers } from './alerts';

describe('alert scopes', () => {
  const server = { id: 'id-1', name: 'billing-eu_2' };

  it('covers all, a list of ids, or names matching a glob', () => {
    const scope = { server_ids: [] as string[], name_pattern: null };
    expect(scopeCovers({ ...scope, server_scope: 'all' }, server)).toBe(true);
    expect(scopeCovers({ ...scope, server_scope: 'list', server_ids: ['id-1'] }, server)).toBe(
      true,
    );
    expect(scopeCovers({ ...scope, server_scope: 'list', server_ids: ['id-2'] }, server)).toBe(
      false,
    );
    expect(
      scopeCovers({ ...scope, server_scope: 'pattern', name_pattern: 'billing-*' }, server),
    ).toBe(true);
    expect(scopeCovers({ ...scope, server_scope: 'pattern', name_pattern: null }, server)).toBe(
      false,
    );
  });

  it('reads * and ? as wildcards and every other character as itself', () => {
    expect(globMatches('billing-??_2', 'billing-eu_2')).toBe(true);
    expect(globMatches('billing-?', 'billing-eu')).toBe(false);
    expect(globMatches('a.c', 'abc')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9_-]{1,20}$/), (name) => {
        expect(globMatches(name, name)).toBe(true);
        expect(globMatches(`${name}*`, `${name}-x`)).toBe(true);
        expect(globMatches(name, `${name}x`)).toBe(false);
      }),
      { seed: 17, numRuns: 200 },
    );
  });
});
