import { authHeaders } from './auth-headers';

describe('authHeaders', () => {
  it('builds a bearer header', () => {
    expect(authHeaders('bearer', { token: 't0k' })).toEqual({ Authorization: 'Bearer t0k' });
  });

  it('uses the configured api key header, defaulting to X-API-Key', () => {
    expect(authHeaders('api_key', { key: 'k' })).toEqual({ 'X-API-Key': 'k' });
    expect(authHeaders('api_key', { key: 'k', header_name: 'X-Token' })).toEqual({
      'X-Token': 'k',
    });
  });

  it('encodes basic credentials', () => {
    expect(authHeaders('basic', { username: 'u', password: 'p:w' })).toEqual({
      Authorization: `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    });
  });

  it('passes custom headers through and ignores non-string values', () => {
    expect(authHeaders('headers', { headers: { 'X-A': '1', 'X-B': 2 } })).toEqual({ 'X-A': '1' });
  });

  it('sends nothing for none or a missing config', () => {
    expect(authHeaders('none', null)).toEqual({});
    expect(authHeaders('bearer', null)).toEqual({});
  });
});
