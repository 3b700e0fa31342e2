import {
  enumChoices,
  fieldKind,
  initialValue,
  prune,
  unwrapNullable,
  validate,
} from './json-schema';

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

  describe('elicitation forms', () => {
    const titled = {
      type: 'string',
      oneOf: [
        { const: 's', title: 'Small' },
        { const: 'l', title: 'Large' },
      ],
      default: 'l',
    };
    const legacy = { type: 'string', enum: ['a', 'b'], enumNames: ['Alpha'] };
    const multi = {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: { anyOf: [{ const: 'x', title: 'Ex' }, { const: 'y' }, { const: 'z' }] },
    };

    it('reads titled enums (oneOf/anyOf of const), enumNames and multi-selects', () => {
      expect(fieldKind(titled)).toBe('enum');
      expect(enumChoices(titled)).toEqual([
        { value: 's', label: 'Small' },
        { value: 'l', label: 'Large' },
      ]);
      expect(enumChoices(legacy)).toEqual([
        { value: 'a', label: 'Alpha' },
        { value: 'b', label: 'b' },
      ]);
      expect(fieldKind(multi)).toBe('multi');
      expect(fieldKind({ type: 'array', items: { type: 'string', enum: ['p'] } })).toBe('multi');
      expect(fieldKind({ type: 'array', items: { type: 'string' } })).toBe('array');
      expect(enumChoices(multi['items'])[0]).toEqual({ value: 'x', label: 'Ex' });
    });

    it('starts from defaults and checks choices, item counts and lengths', () => {
      const form = {
        type: 'object',
        required: ['size', 'picks'],
        properties: { size: titled, picks: multi, note: { type: 'string', maxLength: 3 } },
      };
      expect(initialValue(form)).toEqual({ size: 'l', picks: [] });
      expect(
        Object.fromEntries(validate(form, { size: 'm', picks: ['x', 'y', 'z'], note: 'long' })),
      ).toEqual({
        size: 'must be one of the listed values',
        picks: 'pick at most 2',
        note: 'must be at most 3 characters',
      });
      expect(validate(form, { size: 's', picks: [] }).get('picks')).toBe('pick at least 1');
      expect(validate(form, { size: 's', picks: ['w'] }).get('picks')).toBe(
        'must be among the listed values',
      );
      expect(validate(form, { size: 's', picks: ['y'] }).size).toBe(0);
    });
  });
});
