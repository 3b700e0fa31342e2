import fc from 'fast-check';
import { FC_PARAMS, hasUnstorable, nest, oddJson } from '../../test/support/odd-input';
import { AUDIT_BODY_LIMITS, redactBody } from './redact';

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...texts(v)]);
}

describe('redactBody', () => {
  it('hides secrets, env values and tool arguments, keeping what changed', () => {
    expect(
      redactBody({
        name: 'x',
        auth_config: { token: 't' },
        env: { API_TOKEN: 'v' },
        nested: [{ password: 'p', ok: 1 }],
        arguments: { q: 'private' },
      }),
    ).toEqual({
      name: 'x',
      auth_config: '***',
      env: { API_TOKEN: '***' },
      nested: [{ password: '***', ok: 1 }],
      arguments: { names: ['q'] },
    });
    expect(redactBody({ auth_config: null })).toEqual({ auth_config: null });
  });

  it('gives, for any body, bounded storable JSON that PostgreSQL jsonb accepts', () => {
    fc.assert(
      fc.property(oddJson(), (body) => {
        const out = redactBody({ request: body });
        expect(texts(out).filter(hasUnstorable)).toEqual([]);
        expect(depthOf(out)).toBeLessThanOrEqual(AUDIT_BODY_LIMITS.depth + 1);
      }),
      FC_PARAMS,
    );
  });

  it('stops at its depth bound however deep the body (no stack overflow)', () => {
    const out = redactBody({ deep: nest(1, 200_000) });
    expect(depthOf(out)).toBe(AUDIT_BODY_LIMITS.depth);
    expect(JSON.stringify(out)).toContain('…');
  });

  it('keeps the names of odd tool arguments, made storable', () => {
    expect(redactBody({ arguments: { '\u0000': 1, '\ud800': 2, ok: 3 } })).toEqual({
      arguments: { names: ['\ufffd', '\ufffd', 'ok'] },
    });
  });
});
