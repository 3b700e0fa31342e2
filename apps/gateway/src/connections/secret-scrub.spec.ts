import fc from 'fast-check';
import { FC_PARAMS, oddString } from '../../test/support/odd-input';
import type { ConnectionTarget } from './connection-target';
import { scrubSecrets, secretsOf } from './secret-scrub';

const base: ConnectionTarget = {
  id: 'x',
  name: 'x',
  protocol: 'stdio',
  url: null,
  command: 'node',
  args: [],
  env: {},
  cwd: null,
  headers: {},
};

describe('secretsOf', () => {
  it('collects credential headers and what is inside them, env values, arguments and URL secrets', () => {
    const basic = Buffer.from('alice:s3cr3t-pw').toString('base64');
    const secrets = secretsOf({
      ...base,
      protocol: 'streamable_http',
      url: 'https://bob:url-pass@example.test/mcp?api_key=query-secret&v=2',
      headers: { Authorization: `Basic ${basic}`, 'X-Api-Key': 'key-value-1' },
      env: { TOKEN: 'env-value-1', SHORT: 'on' },
      args: ['--verbose', '--api-key=arg-value-1', 'positional-secret'],
    });
    expect(secrets).toEqual(
      expect.arrayContaining([
        `Basic ${basic}`,
        basic,
        'alice:s3cr3t-pw',
        's3cr3t-pw',
        'key-value-1',
        'env-value-1',
        'arg-value-1',
        '--api-key=arg-value-1',
        'positional-secret',
        'url-pass',
        'query-secret',
      ]),
    );
    expect(secrets).not.toContain('on');
    expect(secrets).not.toContain('--verbose');
    expect(secrets).toEqual([...secrets].sort((a, b) => b.length - a.length));
  });
});

describe('scrubSecrets', () => {
  it('cuts every known secret out of any text around it', () => {
    const secret = oddString(30).filter((s) => s.length >= 4 && !s.includes('*'));
    fc.assert(
      fc.property(oddString(), secret, oddString(), (before, value, after) => {
        const out = scrubSecrets(`${before}${value}${after}${value}`, [value]);
        expect(out.includes(value)).toBe(false);
      }),
      FC_PARAMS,
    );
  });

  it('cuts values that read as credentials even when omni2 never knew them', () => {
    expect(scrubSecrets('config: token=abc123 other=ok', [])).toBe('config: token=*** other=ok');
    expect(scrubSecrets('{"password": "hunter22", "user": "u"}', [])).toBe(
      '{"password": "***", "user": "u"}',
    );
    expect(scrubSecrets('got Authorization: Bearer eyJhbGciOi.x.y', [])).toBe(
      'got Authorization: Bearer ***',
    );
    expect(scrubSecrets('bad option: --api-key=k-123', [])).toBe('bad option: --api-key=***');
    expect(scrubSecrets('connect ECONNREFUSED 127.0.0.1:9', [])).toBe(
      'connect ECONNREFUSED 127.0.0.1:9',
    );
  });

  it('cuts prefixed names, any case, and quoted values whole', () => {
    const cases: [string, string][] = [
      ['GITHUB_TOKEN=ghp_abc123', 'GITHUB_TOKEN=***'],
      ['DB_PASSWORD=p4ss api_token: t0k', 'DB_PASSWORD=*** api_token: ***'],
      ['AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG', 'AWS_SECRET_ACCESS_KEY=***'],
      ['x-api-key: k123 and X-Api-Key=k456', 'x-api-key: *** and X-Api-Key=***'],
      ["password='p@ss word, really' next", "password='***' next"],
      ['sent bearer abcdef123', 'sent bearer ***'],
      ['invalid token format', 'invalid token format'],
      ['max_tokens_used 5', 'max_tokens_used 5'],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text, [])).toBe(expected);
  });

  it('leaves short config values (ports, levels) in place, but not credentials', () => {
    const secrets = secretsOf({
      ...base,
      env: { PORT: '3000', LEVEL: 'info', KEY: 'long-secret' },
      args: ['--port=8080'],
    });
    expect(secrets).toEqual(['long-secret', '--port=8080']);
    expect(scrubSecrets('connect ECONNREFUSED 127.0.0.1:3000', secrets)).toBe(
      'connect ECONNREFUSED 127.0.0.1:3000',
    );
  });
});
