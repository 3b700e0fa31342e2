import type { AuthType } from '@omni2/contracts';

export type AuthConfig = Record<string, unknown>;

function str(config: AuthConfig, key: string): string {
  const value = config[key];
  return typeof value === 'string' ? value : '';
}

/** HTTP headers that carry a server's upstream credentials (SPEC §1 auth types). */
export function authHeaders(type: AuthType, config: AuthConfig | null): Record<string, string> {
  if (config === null) return {};
  switch (type) {
    case 'none':
      return {};
    case 'oauth':
      // OAuth tokens are fetched per request (ConnectionTarget.bearer), not fixed headers.
      return {};
    case 'bearer':
      return { Authorization: `Bearer ${str(config, 'token')}` };
    case 'api_key':
      return { [str(config, 'header_name') || 'X-API-Key']: str(config, 'key') };
    case 'basic': {
      const pair = `${str(config, 'username')}:${str(config, 'password')}`;
      return { Authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
    }
    case 'headers': {
      const headers = config.headers;
      if (typeof headers !== 'object' || headers === null) return {};
      return Object.fromEntries(
        Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    }
  }
}
