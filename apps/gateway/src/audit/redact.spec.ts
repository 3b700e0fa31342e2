import { redactBody } from './redact';

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
});
