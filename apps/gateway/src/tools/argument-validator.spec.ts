import { ArgumentValidator } from './argument-validator';

const addSchema = {
  type: 'object',
  properties: { a: { type: 'number' }, b: { type: 'number' } },
  required: ['a', 'b'],
  additionalProperties: false,
};

describe('ArgumentValidator', () => {
  const validator = new ArgumentValidator();

  it('accepts valid arguments', () => {
    expect(validator.validate(addSchema, { a: 1, b: 2 })).toEqual([]);
  });

  it('names missing, mistyped and unknown fields', () => {
    const errors = validator.validate(addSchema, { a: 'x', c: 1 });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'arguments.b', message: 'is required' },
        { field: 'arguments.a', message: 'must be number' },
        { field: 'arguments.c', message: 'is not a parameter of this tool' },
      ]),
    );
  });

  it('supports draft 2020-12 schemas', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { items: { type: 'array', prefixItems: [{ type: 'string' }] } },
    };
    expect(validator.validate(schema, { items: ['ok'] })).toEqual([]);
    expect(validator.validate(schema, { items: [1] })[0]?.field).toBe('arguments.items.0');
  });

  it('lets calls through when a schema cannot be compiled', () => {
    expect(validator.validate({ type: 'no-such-type' }, { anything: true })).toEqual([]);
  });
});
