import fc from 'fast-check';
import { headerValue, paramHeaders, scanHeaderDeclarations } from './mcp-param-headers';

const tool = (properties: Record<string, unknown>) => ({ type: 'object', properties });

function decode(value: string): string {
  const base64 = /^=\?base64\?(.*)\?=$/.exec(value);
  return base64 ? Buffer.from(base64[1] ?? '', 'base64').toString('utf8') : value;
}

describe('SEP-2243 x-mcp-header declarations', () => {
  it('finds declarations on properties reached through "properties", nested too', () => {
    const scan = scanHeaderDeclarations(
      tool({
        region: { type: 'string', 'x-mcp-header': 'Region' },
        options: {
          type: 'object',
          properties: { verbose: { type: 'boolean', 'x-mcp-header': 'Verbose' } },
        },
        plain: { type: 'string' },
      }),
    );
    expect(scan).toEqual({
      ok: true,
      declarations: [
        { path: ['region'], headerName: 'Region' },
        { path: ['options', 'verbose'], headerName: 'Verbose' },
      ],
    });
  });

  it.each([
    ['an empty name', { a: { type: 'string', 'x-mcp-header': '' } }, /non-empty/],
    ['a name with a space', { a: { type: 'string', 'x-mcp-header': 'My Header' } }, /valid/],
    ['a name with a colon', { a: { type: 'string', 'x-mcp-header': 'A:B' } }, /valid/],
    ['a non-ASCII name', { a: { type: 'string', 'x-mcp-header': 'Région' } }, /valid/],
    ['a number property', { a: { type: 'number', 'x-mcp-header': 'A' } }, /integer or boolean/],
    ['an object property', { a: { type: 'object', 'x-mcp-header': 'A' } }, /integer or boolean/],
    ['a property without a type', { a: { 'x-mcp-header': 'A' } }, /integer or boolean/],
    [
      'a name used twice in different case',
      {
        a: { type: 'string', 'x-mcp-header': 'Tag' },
        b: { type: 'string', 'x-mcp-header': 'tag' },
      },
      /declared twice/,
    ],
    [
      'a declaration under items',
      { a: { type: 'array', items: { type: 'string', 'x-mcp-header': 'A' } } },
      /only allowed/,
    ],
    [
      'a declaration under anyOf',
      { a: { anyOf: [{ type: 'string', 'x-mcp-header': 'A' }] } },
      /only allowed/,
    ],
  ])('refuses a tool with %s', (_what, properties, reason) => {
    const scan = scanHeaderDeclarations(tool(properties));
    expect(scan.ok).toBe(false);
    expect(!scan.ok && scan.reason).toMatch(reason);
  });

  it('accepts a tool that declares nothing, whatever its schema', () => {
    expect(scanHeaderDeclarations(undefined)).toEqual({ ok: true, declarations: [] });
    expect(scanHeaderDeclarations(tool({ a: { type: 'number' } }))).toEqual({
      ok: true,
      declarations: [],
    });
  });

  it('mirrors present arguments into Mcp-Param headers and omits null or absent ones', () => {
    const declarations = [
      { path: ['region'], headerName: 'Region' },
      { path: ['priority'], headerName: 'Priority' },
      { path: ['verbose'], headerName: 'Verbose' },
      { path: ['missing'], headerName: 'Missing' },
      { path: ['o', 'flag'], headerName: 'Flag' },
    ];
    expect(
      paramHeaders(declarations, {
        region: 'Hello, 世界',
        priority: 42,
        verbose: null,
        o: { flag: false },
      }),
    ).toEqual({
      'mcp-param-Region': `=?base64?${Buffer.from('Hello, 世界').toString('base64')}?=`,
      'mcp-param-Priority': '42',
      'mcp-param-Flag': 'false',
    });
  });

  it('encodes any string into a legal header value that decodes back to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const encoded = headerValue(value);
        expect(encoded).toMatch(/^[\x20-\x7e]*$/);
        expect(encoded).toBe(encoded.trim());
        // Lone surrogates cannot survive UTF-8; everything else comes back exactly.
        expect(decode(encoded)).toBe(Buffer.from(value, 'utf8').toString('utf8'));
      }),
      { seed: 20261205, numRuns: 2_000 },
    );
  });
});
