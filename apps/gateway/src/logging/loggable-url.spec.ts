import fc from 'fast-check';
import { loggableUrl } from './loggable-url';

describe('loggableUrl', () => {
  it('hides an OAuth callback code and state, keeps the rest', () => {
    expect(loggableUrl('/api/v1/oauth/callback?code=abc&state=xyz&iss=https%3A%2F%2Fas')).toBe(
      '/api/v1/oauth/callback?code=***&state=***&iss=https%3A%2F%2Fas',
    );
    expect(loggableUrl('/api/v1/mcp/servers?q=code&limit=5')).toBe(
      '/api/v1/mcp/servers?q=code&limit=5',
    );
    expect(loggableUrl('/x?Access_Token=t1&%63ode=c2&bad=%E0%A4%A')).toBe(
      '/x?Access_Token=***&%63ode=***&bad=%E0%A4%A',
    );
    expect(loggableUrl('/plain')).toBe('/plain');
  });

  it('never lets a secret parameter value through, whatever the URL around it', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('code', 'state', 'token', 'CODE'),
        fc.string({ minLength: 8 }).filter((v) => !/[&#]/.test(v) && !'***'.includes(v)),
        (prefix, name, value) => {
          const url = `/p?${encodeURIComponent(prefix)}=1&${name}=${value}`;
          expect(loggableUrl(url)).not.toContain(`${name}=${value}`);
        },
      ),
      { seed: 16, numRuns: 300 },
    );
  });
});
