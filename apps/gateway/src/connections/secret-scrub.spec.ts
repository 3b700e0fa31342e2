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
});
