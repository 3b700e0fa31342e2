import {
  ERROR_KIND_TEXT,
  REDACTED,
  SERVER_NAME_PATTERN,
  type AuthType,
  type ConnectionTestResult,
  type ConnectionTestStage,
  type McpServerView,
  type OAuthGrant,
  type Protocol,
  type ServerStatus,
} from '@omni2/contracts';

export interface Pair {
  name: string;
  value: string;
}

/** Everything the add/edit dialog edits, as plain strings and lists. */
export interface ServerForm {
  name: string;
  description: string;
  protocol: Protocol;
  url: string;
  command: string;
  /** One argument per line. */
  args: string;
  cwd: string;
  /** Stored env values are never shown; editing env replaces every value. */
  env: Pair[];
  replaceEnv: boolean;
  timeoutSeconds: string;
  status: ServerStatus;
  authType: AuthType;
  /** Stored credentials are never shown; false keeps them as they are. */
  replaceAuth: boolean;
  token: string;
  apiKey: string;
  apiKeyHeader: string;
  username: string;
  password: string;
  headers: Pair[];
  /**
   * How omni2 gets OAuth tokens: client credentials (a machine identity, no operator) or the
   * authorization code grant (an operator authorizes it from the console).
   */
  oauthGrant: OAuthGrant;
  /** The OAuth client: required for client credentials, optional for authorization code. */
  clientId: string;
  clientSecret: string;
  /** private_key_jwt instead of a secret: the PEM key and the algorithm it signs with. */
  privateKey: string;
  signingAlgorithm: string;
  /** Space-separated scopes; empty asks for what the server offers. */
  scopes: string;
}

/** Whether the server being edited has credentials / env values stored (shown as "***"). */
export interface StoredSecrets {
  auth: boolean;
  envNames: string[];
}

export function emptyForm(): ServerForm {
  return {
    name: '',
    description: '',
    protocol: 'streamable_http',
    url: '',
    command: '',
    args: '',
    cwd: '',
    env: [],
    replaceEnv: true,
    timeoutSeconds: '30',
    status: 'active',
    authType: 'none',
    replaceAuth: true,
    token: '',
    apiKey: '',
    apiKeyHeader: '',
    username: '',
    password: '',
    headers: [],
    oauthGrant: 'client_credentials',
    clientId: '',
    clientSecret: '',
    privateKey: '',
    signingAlgorithm: 'ES256',
    scopes: '',
  };
}

export function formFromServer(server: McpServerView): ServerForm {
  const envNames = Object.keys(server.env ?? {});
  return {
    ...emptyForm(),
    name: server.name,
    description: server.description ?? '',
    protocol: server.protocol,
    url: server.url ?? '',
    command: server.command ?? '',
    args: (server.args ?? []).join('\n'),
    cwd: server.cwd ?? '',
    env: envNames.map((name) => ({ name, value: '' })),
    replaceEnv: envNames.length === 0,
    timeoutSeconds: String(server.timeout_seconds),
    status: server.status,
    authType: server.auth_type,
    oauthGrant: server.oauth_grant ?? 'client_credentials',
    replaceAuth: server.auth_config !== REDACTED,
  };
}

export function storedSecrets(server: McpServerView | null): StoredSecrets {
  return {
    auth: server?.auth_config === REDACTED,
    envNames: Object.keys(server?.env ?? {}),
  };
}

function authConfig(form: ServerForm): Record<string, unknown> | null {
  switch (form.authType) {
    case 'none':
      return null;
    case 'bearer':
      return { token: form.token };
    case 'api_key':
      return form.apiKeyHeader.trim()
        ? { key: form.apiKey, header_name: form.apiKeyHeader.trim() }
        : { key: form.apiKey };
    case 'basic':
      return { username: form.username, password: form.password };
    case 'headers':
      return {
        headers: Object.fromEntries(
          form.headers.filter((h) => h.name.trim() !== '').map((h) => [h.name.trim(), h.value]),
        ),
      };
    case 'oauth': {
      const scopes = form.scopes.split(/\s+/).filter((s) => s !== '');
      if (form.oauthGrant === 'authorization_code') {
        // A client registered in advance, or none: omni2 then identifies itself by its Client
        // ID Metadata Document or registers dynamically. No private key for this grant.
        const clientId = form.clientId.trim();
        return {
          grant: 'authorization_code',
          ...(clientId !== '' ? { client_id: clientId } : {}),
          ...(form.clientSecret !== '' ? { client_secret: form.clientSecret } : {}),
          ...(scopes.length > 0 ? { scopes } : {}),
        };
      }
      return {
        grant: 'client_credentials',
        client_id: form.clientId.trim(),
        ...(form.privateKey.trim() !== ''
          ? { private_key: form.privateKey.trim(), signing_algorithm: form.signingAlgorithm }
          : { client_secret: form.clientSecret }),
        ...(scopes.length > 0 ? { scopes } : {}),
      };
    }
  }
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function envObject(pairs: Pair[]): Record<string, string> {
  return Object.fromEntries(
    pairs.filter((p) => p.name.trim() !== '').map((p) => [p.name.trim(), p.value]),
  );
}

function timeout(form: ServerForm): number | string {
  const n = Number(form.timeoutSeconds);
  // A non-number goes through as typed, so the gateway names the field in its 400.
  return form.timeoutSeconds.trim() !== '' && Number.isFinite(n) ? n : form.timeoutSeconds;
}

/** POST body: every field for the chosen protocol. */
export function createBody(form: ServerForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    description: form.description.trim() || null,
    protocol: form.protocol,
    timeout_seconds: timeout(form),
    status: form.status,
  };
  if (form.protocol === 'stdio') {
    body['command'] = form.command.trim();
    body['args'] = lines(form.args);
    body['env'] = envObject(form.env);
    body['cwd'] = form.cwd.trim() || null;
  } else {
    body['url'] = form.url.trim();
    body['auth_type'] = form.authType;
    body['auth_config'] = authConfig(form);
  }
  return body;
}

/**
 * PATCH body: only what changed. Secrets are sent only when the operator replaces them (or a new
 * auth type needs them), so stored credentials are kept without ever being read back.
 */
export function patchBody(form: ServerForm, original: McpServerView): Record<string, unknown> {
  const full = createBody(form);
  const body: Record<string, unknown> = {};
  const before: Record<string, unknown> = {
    name: original.name,
    description: original.description,
    protocol: original.protocol,
    timeout_seconds: original.timeout_seconds,
    status: original.status,
    url: original.url,
    command: original.command,
    args: original.args,
    cwd: original.cwd,
    auth_type: original.auth_type,
  };
  for (const [key, value] of Object.entries(full)) {
    if (key === 'env' || key === 'auth_config') continue;
    if (JSON.stringify(value) !== JSON.stringify(before[key])) body[key] = value;
  }
  if (form.protocol === 'stdio') {
    if (form.replaceEnv || original.protocol !== 'stdio') body['env'] = full['env'];
  } else {
    const typeChanged = form.authType !== original.auth_type;
    if (typeChanged || form.replaceAuth || original.protocol === 'stdio') {
      body['auth_type'] = form.authType;
      body['auth_config'] = full['auth_config'];
    }
  }
  return body;
}

/**
 * Why "Test connection" cannot run on this form yet, in words for its tooltip; null when it can.
 * The gateway still validates everything (its 400s show under the fields); this only keeps the
 * button from sending what cannot be a server, and says what is missing.
 */
export function testBlocker(form: ServerForm, stored: StoredSecrets): string | null {
  if (form.name.trim() === '') return 'Enter a name first.';
  if (!SERVER_NAME_PATTERN.test(form.name.trim())) {
    return 'The name must be lowercase letters, digits, "-" or "_".';
  }
  const seconds = Number(form.timeoutSeconds);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
    return 'The timeout must be a whole number of seconds from 1 to 3600.';
  }
  if (form.protocol === 'stdio') {
    if (form.command.trim() === '') return 'Enter the command to run.';
    if (!form.replaceEnv && stored.envNames.length > 0) {
      return 'Stored environment values never leave the gateway: replace them to test, or use "Check now" on the saved server.';
    }
    return null;
  }
  if (!isHttpUrl(form.url.trim())) return 'Enter an http:// or https:// URL.';
  if (form.authType === 'none') return null;
  if (stored.auth && !form.replaceAuth) {
    return 'Stored credentials never leave the gateway: replace them to test, or use "Check now" on the saved server.';
  }
  switch (form.authType) {
    case 'bearer':
      return form.token === '' ? 'Enter the bearer token.' : null;
    case 'api_key':
      return form.apiKey === '' ? 'Enter the API key.' : null;
    case 'basic':
      return form.username.trim() === '' ? 'Enter the username.' : null;
    case 'headers':
      return form.headers.some((h) => h.name.trim() !== '') ? null : 'Add at least one header.';
    case 'oauth':
      if (form.oauthGrant === 'authorization_code') {
        return 'An authorization code server is tested once saved and authorized: save it, then use Authorize.';
      }
      return form.clientId.trim() === '' ||
        (form.clientSecret === '' && form.privateKey.trim() === '')
        ? 'Enter the client ID and its secret or private key.'
        : null;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const STAGE_TEXT: Readonly<Record<ConnectionTestStage, string>> = {
  connect: 'connecting',
  handshake: 'the MCP handshake',
  ping: 'the liveness check',
  list: 'listing tools',
  done: 'done',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A connection test's outcome in plain words: a headline and the details under it. */
export function describeTest(result: ConnectionTestResult): {
  headline: string;
  details: string[];
} {
  const era =
    result.protocol_era === null
      ? null
      : `${result.protocol_era === 'modern' ? 'modern' : 'legacy'} era` +
        (result.protocol_version ? ` (MCP ${result.protocol_version})` : '');
  const server = result.server_info
    ? `server: ${result.server_info.name} ${result.server_info.version}`.trim()
    : null;
  if (result.ok) {
    const found = [
      plural(result.tools ?? 0, 'tool'),
      plural(result.prompts ?? 0, 'prompt'),
      plural(result.resources ?? 0, 'resource'),
    ].join(', ');
    return {
      headline: 'Reachable: every check passed.',
      details: [era, server, `found ${found}`].filter((d): d is string => d !== null),
    };
  }
  const kind = result.error_kind;
  return {
    headline:
      `Failed at ${STAGE_TEXT[result.stage]}` +
      (kind ? `: ${kind} (${ERROR_KIND_TEXT[kind]}).` : '.'),
    details: [era, server, result.error].filter((d): d is string => d !== null && d !== ''),
  };
}
