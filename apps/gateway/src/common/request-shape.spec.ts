import fc from 'fast-check';
import { FC_PARAMS, hasUnstorable, nest, oddJson, oddString } from '../../test/support/odd-input';
import { MAX_BODY_DEPTH, bodyProblem, urlPartsProblem } from './request-shape';
import { storableText } from './text-safety';

/** What bodyProblem must find, computed the slow, obvious (recursive) way. */
function expectedProblem(value: unknown, depth: number, free: boolean): boolean {
  if (typeof value === 'string') return !free && hasUnstorable(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= MAX_BODY_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => expectedProblem(v, depth + 1, free));
  return Object.entries(value).some(
    ([k, v]) =>
      (!free && hasUnstorable(k)) ||
      expectedProblem(v, depth + 1, free || (depth === 0 && k === 'arguments')),
  );
}

describe('bodyProblem', () => {
  it('finds exactly the bodies with an unstorable key or string, and never throws', () => {
    fc.assert(
      fc.property(oddJson(), (body) => {
        expect(bodyProblem(body, ['arguments']) !== null).toBe(expectedProblem(body, 0, false));
      }),
      FC_PARAMS,
    );
  });

  it('lets anything through inside pass-through fields, except depth', () => {
    fc.assert(
      fc.property(oddJson(), (args) => {
        expect(bodyProblem({ arguments: args }, ['arguments'])).toBeNull();
      }),
      FC_PARAMS,
    );
    expect(bodyProblem({ arguments: nest(1, MAX_BODY_DEPTH) }, ['arguments'])).toMatchObject({
      field: 'arguments.0.0',
    });
  });

  it('refuses depth beyond the limit at any size without overflowing, naming where', () => {
    expect(bodyProblem(nest('x', MAX_BODY_DEPTH))).toBeNull();
    for (const levels of [MAX_BODY_DEPTH + 1, 20_000, 200_000]) {
      expect(bodyProblem({ a: nest(1, levels, true) })).toEqual({
        field: 'a.k.k',
        message: `is nested deeper than ${MAX_BODY_DEPTH} levels`,
      });
    }
  });

  it('names the field of the first bad string', () => {
    expect(bodyProblem({ args: ['ok', 'x\ud800'] })).toEqual({
      field: 'args.1',
      message: 'must be well-formed Unicode (no lone surrogates)',
    });
    expect(bodyProblem({ env: { 'A\u0000': 'v' } })).toEqual({
      field: 'env',
      message: 'has a key that must not contain NUL characters',
    });
  });
});

describe('urlPartsProblem', () => {
  it('refuses any control character or unstorable text in a parameter or query, by name', () => {
    fc.assert(
      fc.property(oddString(), (value) => {
        const bad =
          hasUnstorable(value) ||
          [...value].some((c) => {
            const code = c.charCodeAt(0);
            return (
              code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
            );
          });
        expect(urlPartsProblem({ id: value }, {})?.field ?? null).toBe(bad ? 'id' : null);
        expect(urlPartsProblem({}, { actor: [value] })?.field ?? null).toBe(bad ? 'actor' : null);
      }),
      FC_PARAMS,
    );
  });
});

describe('storableText', () => {
  it('always gives well-formed text without NUL, within the bound', () => {
    fc.assert(
      fc.property(oddString(80), fc.integer({ min: 2, max: 40 }), (text, max) => {
        const out = storableText(text, max);
        expect(hasUnstorable(out)).toBe(false);
        expect(out.length).toBeLessThanOrEqual(max);
        if (!hasUnstorable(text) && text.length <= max) expect(out).toBe(text);
      }),
      FC_PARAMS,
    );
  });
});
