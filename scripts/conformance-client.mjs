#!/usr/bin/env node
// The client command the official MCP conformance suite runs: it makes omni2 the client under
// test. The suite passes its scenario server's URL as the last argument and the scenario name in
// MCP_CONFORMANCE_SCENARIO; this script registers that URL in a running omni2 (OMNI2_URL, with
// an admin credential in OMNI2_TOKEN), lets omni2 connect and check it, then drives the tool
// calls the scenario asks for through omni2's REST API, the way an operator or REST client would.
// omni2 negotiates the protocol era on its own; nothing here tells it which revision to speak.

const serverUrl = process.argv.at(-1);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const base = process.env.OMNI2_URL;
const token = process.env.OMNI2_TOKEN;
const transport = process.env.OMNI2_CONFORMANCE_TRANSPORT ?? 'streamable_http';

if (!serverUrl || !base || !token) {
  console.error('usage: OMNI2_URL=... OMNI2_TOKEN=... omni2-client.mjs <server url>');
  process.exit(2);
}

async function api(method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // keep the text for the message
  }
  return { status: res.status, body: json, text };
}

async function must(method, path, body, expected = [200, 201]) {
  const res = await api(method, path, body);
  if (!expected.includes(res.status)) {
    throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 500)}`);
  }
  return res.body;
}

const name = `conf-${scenario.replace(/[^a-z0-9]+/gi, '-')}-${process.pid}`.toLowerCase();
const server = `/mcp/servers/${encodeURIComponent(name)}`;

/**
 * How an operator would register an authorization scenario's server in omni2: the credentials
 * it hands its client (MCP_CONFORMANCE_CONTEXT) as an OAuth client-credentials server, or, for
 * the scenarios where a person authorizes, an authorization-code server (with the pre-registered
 * client when the scenario gives one). Nothing else is told: omni2 discovers the authorization
 * server from the scenario server's 401.
 */
function oauthRegistration() {
  if (!scenario.startsWith('auth/')) return {};
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}');
  if (scenario.startsWith('auth/client-credentials')) {
    return {
      auth_type: 'oauth',
      auth_config: {
        grant: 'client_credentials',
        client_id: context.client_id,
        ...(context.private_key_pem
          ? { private_key: context.private_key_pem, signing_algorithm: context.signing_algorithm }
          : { client_secret: context.client_secret }),
      },
    };
  }
  return {
    auth_type: 'oauth',
    auth_config: {
      grant: 'authorization_code',
      ...(context.client_id ? { client_id: context.client_id } : {}),
      ...(context.client_secret ? { client_secret: context.client_secret } : {}),
    },
  };
}

/**
 * What the operator's browser does after clicking Authorize: open the authorization URL, and
 * deliver where the authorization server redirects to omni2's callback. The callback URL names
 * omni2's public address (OMNI2_PUBLIC_URL); it is delivered to this omni2, as a browser whose
 * name resolution points there would.
 */
async function authorizeAsOperator() {
  const started = await must('POST', `${server}/oauth/authorize`);
  const res = await fetch(started.authorization_url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (!location) throw new Error(`the authorization server did not redirect: ${res.status}`);
  const back = new URL(location);
  const callback = await fetch(`${base}${back.pathname}${back.search}`);
  console.log(`callback: ${callback.status} ${(await callback.text()).slice(0, 300)}`);
  return callback.status;
}

async function connect() {
  const registration = oauthRegistration();
  await must('POST', '/mcp/servers', {
    name,
    protocol: transport,
    url: serverUrl,
    ...registration,
  });
  let check = await must('POST', `${server}/health-check`);
  // Authorization needed: the operator authorizes (again, when the first one no longer holds).
  const byOperator = registration.auth_config?.grant === 'authorization_code';
  for (
    let again = 0;
    again < 2 && byOperator && !check.ok && check.error_kind === 'auth';
    again++
  ) {
    console.log(`before authorization: ${JSON.stringify(check)}`);
    if ((await authorizeAsOperator()) !== 200) return null;
    check = await must('POST', `${server}/health-check`);
  }
  if (!check.ok) throw new Error(`omni2 could not connect: ${JSON.stringify(check)}`);
  return must('GET', `${server}/capabilities`);
}

function needsAuthorizing(res) {
  return (
    res.body?.details?.error_kind === 'auth' &&
    oauthRegistration().auth_config?.grant === 'authorization_code'
  );
}

async function execute(tool, body) {
  const res = await api('POST', `${server}/tools/${encodeURIComponent(tool)}/execute`, body);
  console.log(`execute ${tool}: ${res.status} ${res.text.slice(0, 300)}`);
  return res;
}

// A run, with every question the server asks during it answered the way a person filling the
// form in omni2's console would: the required fields, leaving defaulted ones to their defaults.
async function run(tool, args, { whilePaused } = {}) {
  let res = await execute(tool, { arguments: args });
  // An operator told "authorization needed" (revoked, another authorization server, a wider
  // scope) authorizes again and retries; twice at most, as a person would give up.
  for (let again = 0; again < 2 && needsAuthorizing(res); again++) {
    if ((await authorizeAsOperator()) !== 200) break;
    res = await execute(tool, { arguments: args });
  }
  while (res.body?.status === 'input_required') {
    await whilePaused?.();
    const schema = res.body.input_request.requested_schema;
    res = await execute(tool, {
      input_token: res.body.input_token,
      input_response: { action: 'accept', content: fillForm(schema) },
    });
  }
  return res;
}

function fillForm(schema) {
  const content = {};
  const required = new Set(schema?.required ?? []);
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (prop.default !== undefined && !required.has(key)) continue;
    const choices = prop.enum ?? prop.oneOf?.map((o) => o.const);
    content[key] = choices?.length
      ? choices[0]
      : prop.type === 'boolean'
        ? true
        : prop.type === 'number' || prop.type === 'integer'
          ? (prop.minimum ?? 1)
          : 'yes';
  }
  return content;
}

const scenarios = {
  // Connect, list, call the first tool with the numbers the scenario checks for.
  async basic() {
    const caps = await connect();
    const first = caps?.tools?.[0];
    if (first) await run(first.name, { a: 2, b: 3 });
  },
  // Connecting lists tools; the scenario checks what omni2 sent (and did not fetch).
  async listOnly() {
    await connect();
  },
  // Echo the schema omni2 cached for the focal tool: keywords must survive the cache.
  async schemaPreservation() {
    const caps = await connect();
    const focal = caps.tools?.find((t) => t.name === 'json_schema_2020_12_tool');
    if (!focal) throw new Error('json_schema_2020_12_tool not in omni2 capabilities');
    await run('json_schema_echo', { schema: focal.input_schema });
  },
  // Call every tool omni2 lists once: the calls the suite asked for (MCP_CONFORMANCE_CONTEXT)
  // with its arguments, the rest with arguments built from the schema. Tools omni2 left out
  // (an invalid x-mcp-header) are not in its list, so they are never called.
  async everyTool() {
    const caps = await connect();
    const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}');
    const asked = new Map((context.toolCalls ?? []).map((c) => [c.name, c.arguments]));
    for (const tool of caps.tools ?? []) {
      const args = asked.get(tool.name) ?? sampleArguments(tool.input_schema);
      await run(tool.name, withoutNulls(args));
    }
  },
  // SEP-2322: while a run waits on its answer, another call carries none of its state.
  async requestState() {
    const caps = await connect();
    const names = (caps.tools ?? []).map((t) => t.name);
    const unrelated = names.find((n) => n.includes('unrelated'));
    for (const name of names.filter((n) => n !== unrelated)) {
      await run(name, {}, { whilePaused: () => unrelated && run(unrelated, {}) });
    }
  },
};

// A REST caller leaves an argument out rather than sending null for it: omni2 checks arguments
// against the tool's schema, and `"type": "boolean"` does not admit null.
function withoutNulls(args) {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null));
}

function sampleArguments(schema) {
  const args = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
    args[key] =
      prop.default ??
      (type === 'number' || type === 'integer'
        ? 42
        : type === 'boolean'
          ? true
          : type === 'string'
            ? `value-${key}`
            : null);
  }
  return args;
}

const byScenario = {
  initialize: scenarios.basic,
  tools_call: scenarios.basic,
  'request-metadata': scenarios.listOnly,
  'json-schema-ref-no-deref': scenarios.listOnly,
  'json-schema-2020-12-preservation': scenarios.schemaPreservation,
  'http-standard-headers': scenarios.everyTool,
  'http-custom-headers': scenarios.everyTool,
  'http-invalid-tool-headers': scenarios.everyTool,
  'elicitation-sep1034-client-defaults': scenarios.everyTool,
  'sep-2322-client-request-state': scenarios.requestState,
};

const handler = byScenario[scenario] ?? scenarios.basic;
try {
  await handler();
} finally {
  await api('DELETE', server);
}
