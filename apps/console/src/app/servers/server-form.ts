import {
  REDACTED,
  type AuthType,
  type McpServerView,
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
