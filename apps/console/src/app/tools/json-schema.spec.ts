import { fieldKind, initialValue, prune, unwrapNullable, validate } from './json-schema';

describe('json-schema helpers', () => {
  const schema = {
    type: 'object',
    required: ['query', 'limit', 'exact'],
    properties: {
      query: { type: 'string', minLength: 2 },
      limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      exact: { type: 'boolean' },
      mode: { enum: ['fast', 'deep'] },
      tags: { type: 'array', items: { type: 'string' } },
      filter: {
        type: 'object',
        required: ['field'],
        properties: { field: { type: 'string' }, value: { type: ['number', 'null'] } },
      },
      extra: { type: 'object', additionalProperties: true },
    },
  };

  it('picks an editor per node, unwrapping nullable types', () => {
    expect(fieldKind(schema)).toBe('object');
    expect(fieldKind({ type: 'integer' })).toBe('integer');
    expect(fieldKind({ enum: ['a'] })).toBe('enum');
    expect(fieldKind({ type: ['number', 'null'] })).toBe('number');
    expect(fieldKind({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string');
    expect(fieldKind({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toBe('json');
    expect(
      unwrapNullable({ anyOf: [{ type: 'string' }, { type: 'null' }], description: 'd' }),
    ).toEqual({
      type: 'string',
      description: 'd',
    });
  });

  it('starts from defaults; required booleans false, optional fields absent', () => {
    expect(initialValue(schema)).toEqual({ limit: 10, exact: false });
  });

  it('reports required, integer, bounds and enum problems by dotted path', () => {
    const problems = validate(schema, {
      limit: 2.5,
      exact: true,
      mode: 'slow',
      filter: {},
      tags: [3],
    });
    expect(Object.fromEntries(problems)).toEqual({
      query: 'is required',
      limit: 'must be an integer',
      mode: 'must be one of the listed values',
      'filter.field': 'is required',
      'tags.0': 'must be text',
    });
    expect(validate(schema, { query: 'ok', limit: 99, exact: false }).get('limit')).toBe(
      'must be ≤ 50',
    );
    expect(validate(schema, { query: 'ok', limit: 5, exact: false }).size).toBe(0);
  });

  it('prunes absent values before sending', () => {
    expect(prune({ a: 1, b: undefined, c: { d: undefined, e: [1] } })).toEqual({
      a: 1,
      c: { e: [1] },
    });
  });
});
