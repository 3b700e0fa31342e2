import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  type CallToolResult,
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  type ServerCapabilities,
  SUPPORTED_PROTOCOL_VERSIONS,
  ProtocolErrorCode,
} from '@modelcontextprotocol/client';
import { MODERN_PROTOCOL_VERSION, type ProbeMethod, type ProtocolEra } from '@omni2/contracts';
import { fetchLists, listChangeFilter } from './capability-views';
import { CLIENT_INFO } from './client-info';
import { type ConnectionTarget, fingerprint } from './connection-target';
import {
  CallCancelledError,
  HttpProtocolError,
  HttpStatusError,
  ScopeRequiredError,
  isMethodNotFound,
  isSessionExpired,
  isVersionRejected,
  UpstreamRpcError,
  UpstreamTimeoutError,
  RpcErrorCode,
} from './error-classifier';
import { endSession, type OpenStream, openEventStream, postMessage } from './http-exchange';
import { intern } from './intern';
import {
  CLIENT_CAPABILITIES,
  elicitationOf,
  type InputBroker,
  NO_ONE_TO_ASK,
  unsupportedRequestMessage,
  withDefaults,
} from './tool-input';
import {
  type HeaderDeclaration,
  headerValue,
  paramHeaders,
  scanHeaderDeclarations,
} from './mcp-param-headers';
import { endInBackground } from './session-ends';
import {
  type CapabilityLists,
  type McpSession,
  progressOf,
  type SessionHooks,
  type ToolCallOptions,
} from './mcp-session';
import type { EraHint } from './sdk-session';

const LIST_CHANGED = new Set([
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/list_changed',
]);

type Params = Record<string, unknown> | undefined;

/** A call that keeps asking for input is cut after this many rounds (2026-07-28). */
const MAX_INPUT_ROUNDS = 10;

interface ActiveCall {
  input: InputBroker;
  /** Stops the call's timeout while its question is open. */
  hold(): () => void;
}

interface RpcOptions {
  /** What the operation names besides the method (a tool's name), for error texts. */
  detail?: string;
  /** Headers of this request only (SEP-2243 Mcp-Param-*). */
  headers?: Record<string, string>;
  /** Who answers the server's questions during this request. */
  input?: InputBroker;
  /** Asks for progress (the request id as `progressToken`) and gets each report. */
  onProgress?: ToolCallOptions['onProgress'];
  /** Cancels the request (see ToolCallOptions.signal). */
  signal?: AbortSignal;
}

/** Closing a session waits this long at most for the server to acknowledge its end. */
const END_SESSION_TIMEOUT_MS = 2_000;

/** The per-request envelope of the 2026-07-28 revision: the same for every request. */
const MODERN_META = Object.freeze({
  'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
  'io.modelcontextprotocol/clientCapabilities': CLIENT_CAPABILITIES,
  'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
});

/** Which body field the `Mcp-Name` header mirrors, per method (2026-07-28 HTTP binding). */
const NAME_HEADER_SOURCE: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

/** What a server/discover probe told us about the server. */
type Verdict = { era: 'modern' } | { era: 'legacy' };

/**
 * A Streamable HTTP session without the SDK's per-session machinery: a few fields per server,
 * requests on a shared keep-alive pool. It speaks both eras (SPEC §10): a 2026-07-28 server is
 * found with `server/discover` and asked statelessly (no session, `_meta` and the standard
 * headers on every request); a 2025 server gets initialize, a session id, and a notification
 * stream where it announces list changes. Ten thousand of these fit where a few hundred SDK
 * clients did.
 */
export class HttpMcpSession implements McpSession {
  readonly fingerprint: string;
  listsChanged = false;
  era: ProtocolEra = 'legacy';
  private closed = false;
  private readonly url: URL;
  private sessionId: string | null = null;
  private version: string | null = null;
  private capabilities: ServerCapabilities = {};
  private info: { name: string; version: string } | null = null;
  private nextId = 1;
  private stream: OpenStream | null = null;
  private streamOpening: Promise<void> | null = null;
  /** The server has no notification stream (405); not asked again in this session. */
  private streamRefused = false;
  /** The server answered 404 for the session: there is nothing left to end. */
  private forgotten = false;
  /** Calls in flight that someone can answer questions for. */
  private readonly calls = new Set<ActiveCall>();
  /** SEP-2243 header declarations of the tools that make any (usually none). */
  private readonly paramDeclarations = new Map<string, readonly HeaderDeclaration[]>();
  /** Requests that asked for progress, by their progress token (the request id). */
  private readonly progressListeners = new Map<number, NonNullable<RpcOptions['onProgress']>>();
  /** The OAuth access token requests carry (auth_type `oauth`), refreshed before each request. */
  private bearerToken: string | null = null;

  private constructor(
    readonly target: ConnectionTarget,
    private readonly hooks: SessionHooks,
  ) {
    this.fingerprint = fingerprint(target);
    if (target.url === null) throw new Error('url is missing');
    this.url = new URL(target.url);
  }

  /**
   * Negotiates the era and opens the session, bounded by `timeoutMs` end to end. A server known
   * to be legacy (`hint`) is initialized at once; any other is probed with server/discover first.
   */
  static async open(
    target: ConnectionTarget,
    timeoutMs: number,
    hooks: SessionHooks,
    hint: EraHint = null,
  ): Promise<HttpMcpSession> {
    const session = new HttpMcpSession(target, hooks);
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());
    try {
      if (hint === 'legacy') {
        try {
          await session.initialize(left());
          return session;
        } catch (error) {
          // Remembered as legacy, it now refuses 2025 (-32022 in a 400): ask it from scratch.
          const refused = error instanceof HttpStatusError && error.status === 400;
          if (!refused && !isVersionRejected(error)) throw error;
        }
      }
      const verdict = await session.discover(left());
      if (verdict.era === 'legacy') await session.initialize(left());
    } catch (error) {
      // The server may have created the session before initialize failed.
      await session.close();
      throw error;
    }
    return session;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get listening(): boolean {
    return this.stream !== null;
  }

  get serverInfo(): { name: string; version: string } | null {
    return this.info;
  }

  get protocolVersion(): string | null {
    return this.version;
  }

  async ping(timeoutMs: number): Promise<ProbeMethod> {
    if (this.era === 'modern') {
      await this.discover(timeoutMs);
      void this.keepNotificationStream(timeoutMs);
      return 'discover';
    }
    void this.keepNotificationStream(timeoutMs);
    try {
      await this.rpc('ping', undefined, timeoutMs);
      return 'ping';
    } catch (error) {
      if (!isMethodNotFound(error)) throw error;
    }
    if (!this.capabilities.tools) return 'none';
    await this.rpc('tools/list', undefined, timeoutMs);
    return 'tools_list';
  }

  async listCapabilities(timeoutMs: number): Promise<CapabilityLists> {
    this.listsChanged = false;
    const lists = await fetchLists(this.capabilities, (method, params) =>
      this.rpc(method, params, timeoutMs),
    );
    const tools = this.era === 'modern' ? this.usableTools(lists.tools) : lists.tools;
    return { ...lists, tools, server_info: this.info, protocol_version: this.version };
  }

  /**
   * 2026-07-28 tools whose `x-mcp-header` declarations break SEP-2243 are left out (a client
   * must not call them); the valid declarations are kept to mirror arguments into headers.
   */
  private usableTools(tools: CapabilityLists['tools']): CapabilityLists['tools'] {
    this.paramDeclarations.clear();
    return tools.filter((tool) => {
      const scan = scanHeaderDeclarations(tool.input_schema);
      if (!scan.ok) {
        this.hooks.onWarning?.(`tool "${tool.name}" left out: ${scan.reason}`);
        return false;
      }
      if (scan.declarations.length > 0) this.paramDeclarations.set(tool.name, scan.declarations);
      return true;
    });
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    { input = NO_ONE_TO_ASK, onProgress, signal }: ToolCallOptions = {},
  ): Promise<CallToolResult> {
    const declarations = this.era === 'modern' ? this.paramDeclarations.get(name) : undefined;
    const headers = declarations && paramHeaders(declarations, args);
    let params: Record<string, unknown> = { name, arguments: args };
    // 2026-07-28 multi round-trip: a result may ask for input; the call is sent again with the
    // answers (and the server's opaque state), on a new request id, until it completes.
    for (let round = 0; ; round++) {
      const result = await this.rpc('tools/call', params, timeoutMs, {
        detail: name,
        headers,
        input,
        onProgress,
        signal,
      });
      const resultType = result.resultType;
      if (resultType === 'input_required' && round < MAX_INPUT_ROUNDS) {
        params = {
          name,
          arguments: args,
          inputResponses: await answerInputRequests(result.inputRequests, input),
          ...(result.requestState !== undefined ? { requestState: result.requestState } : {}),
        };
        continue;
      }
      if (resultType !== undefined && resultType !== 'complete') {
        throw new HttpProtocolError(
          resultType === 'input_required'
            ? `tools/call ${name}: the server still asked for input after ${MAX_INPUT_ROUNDS} rounds`
            : `tools/call ${name}: the server answered with an unknown resultType ${JSON.stringify(resultType)}`,
        );
      }
      if (!Array.isArray(result.content) && result.structuredContent === undefined) {
        throw new HttpProtocolError(`tools/call ${name}: the result has no content`);
      }
      return result as CallToolResult;
    }
  }

  async readResource(uri: string, timeoutMs: number): Promise<{ contents: unknown[] }> {
    const result = await this.rpc('resources/read', { uri }, timeoutMs, { detail: uri });
    if (!Array.isArray(result.contents)) {
      throw new HttpProtocolError(`resources/read ${uri}: the result has no contents`);
    }
    return { contents: result.contents };
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ description?: string; messages: unknown[] }> {
    const result = await this.rpc('prompts/get', { name, arguments: args }, timeoutMs, {
      detail: name,
    });
    if (!Array.isArray(result.messages)) {
      throw new HttpProtocolError(`prompts/get ${name}: the result has no messages`);
    }
    return {
      messages: result.messages,
      ...(typeof result.description === 'string' ? { description: result.description } : {}),
    };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.stream?.close();
    this.stream = null;
    if (this.sessionId !== null && !this.forgotten) {
      const headers = this.headers('DELETE');
      endInBackground(() => endSession(this.url, headers, END_SESSION_TIMEOUT_MS));
    }
    return Promise.resolve();
  }

  /**
   * `server/discover` (2026-07-28): the modern probe and handshake in one. A server that answers
   * with our revision among its versions is modern. One that refuses the version but offers ours
   * is asked once more (the spec's corrective retry); a refusal naming only 2025 revisions, a
   * method it does not know, or anything else that is not a discover result means legacy. What
   * says the server is down or refuses us (network, timeout, 401/403, 5xx) fails the open.
   */
  private async discover(timeoutMs: number, retried = false): Promise<Verdict> {
    let result: Record<string, unknown>;
    try {
      result = await this.modernRpc('server/discover', undefined, timeoutMs);
    } catch (error) {
      if (error instanceof UpstreamRpcError) {
        if (isVersionRejected(error) && offersModern(error.data) && !retried) {
          return this.discover(timeoutMs, true);
        }
        if (this.era === 'modern') throw error;
        return { era: 'legacy' };
      }
      // A legacy stateful server refuses a request without a session with a 4xx.
      if (error instanceof HttpStatusError && this.era === 'legacy' && legacySignal(error)) {
        return { era: 'legacy' };
      }
      throw error;
    }
    const versions = result.supportedVersions;
    if (!Array.isArray(versions) || !versions.includes(MODERN_PROTOCOL_VERSION)) {
      if (this.era === 'modern') {
        throw new UpstreamRpcError(
          RpcErrorCode.UnsupportedProtocolVersion,
          'the server no longer supports 2026-07-28',
          {
            supported: versions,
            requested: MODERN_PROTOCOL_VERSION,
          },
        );
      }
      return { era: 'legacy' };
    }
    this.era = 'modern';
    this.version = MODERN_PROTOCOL_VERSION;
    this.capabilities = internCapabilities(result.capabilities);
    this.info = serverInfoOf(result);
    return { era: 'modern' };
  }

  private async initialize(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const result = await this.rpc(
      'initialize',
      {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: CLIENT_CAPABILITIES,
        clientInfo: CLIENT_INFO,
      },
      timeoutMs,
    );
    const version = typeof result.protocolVersion === 'string' ? result.protocolVersion : '';
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      throw new HttpProtocolError(`the server's protocol version is not supported: ${version}`);
    }
    this.era = 'legacy';
    this.version = intern(version);
    this.capabilities = internCapabilities(result.capabilities);
    this.info = infoOf(result.serverInfo);
    await this.notify('notifications/initialized', Math.max(1, timeoutMs - (Date.now() - started)));
    void this.keepNotificationStream(timeoutMs);
  }

  private rpc(
    method: string,
    params: Params,
    timeoutMs: number,
    options: RpcOptions = {},
  ): Promise<Record<string, unknown>> {
    return this.era === 'modern'
      ? this.modernRpc(method, params, timeoutMs, options)
      : this.exchange(method, params, timeoutMs, false, options);
  }

  /**
   * A 2026-07-28 request: the `_meta` envelope in its params and the standard headers
   * (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`), no session. A server that now refuses
   * the version ends the session, so the next use negotiates again.
   */
  private async modernRpc(
    method: string,
    params: Params,
    timeoutMs: number,
    options: RpcOptions = {},
  ): Promise<Record<string, unknown>> {
    try {
      return await this.exchange(
        method,
        { ...params, _meta: { ...(params?._meta as object | undefined), ...MODERN_META } },
        timeoutMs,
        true,
        options,
      );
    } catch (error) {
      if (this.era === 'modern' && isVersionRejected(error)) void this.close();
      throw error;
    }
  }

  /**
   * One request, with the current OAuth token when the server uses OAuth. A 401 is answered once
   * with a renewed token (the server may have revoked or expired it early); a second 401 fails.
   * A 403 `insufficient_scope` is answered once with a token for the wider scope when omni2 can
   * get one alone (client credentials); otherwise the error says what the operator must do.
   */
  private async exchange(
    method: string,
    params: Params,
    timeoutMs: number,
    modern: boolean,
    options: RpcOptions,
  ): Promise<Record<string, unknown>> {
    const bearer = this.target.bearer;
    if (!bearer) return this.exchangeOnce(method, params, timeoutMs, modern, options);
    this.bearerToken = await bearer.token();
    try {
      return await this.exchangeOnce(method, params, timeoutMs, modern, options);
    } catch (error) {
      if (error instanceof ScopeRequiredError) {
        this.bearerToken = await bearer.stepUp(error.scope);
      } else if (error instanceof HttpStatusError && error.status === 401) {
        this.bearerToken = await bearer.renew(this.bearerToken);
      } else {
        throw error;
      }
      return this.exchangeOnce(method, params, timeoutMs, modern, options);
    }
  }

  private async exchangeOnce(
    method: string,
    params: Params,
    timeoutMs: number,
    modern: boolean,
    { detail, headers, input = NO_ONE_TO_ASK, onProgress, signal }: RpcOptions,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const operation = detail ? `${method} ${detail}` : method;
    let call: ActiveCall | null = null;
    if (onProgress) {
      params = {
        ...params,
        _meta: { ...(params?._meta as object | undefined), progressToken: id },
      };
      this.progressListeners.set(id, onProgress);
    }
    // A 2025 server may ask its question on the standalone GET stream instead of the call's
    // reply stream: have it open before a call someone can answer for.
    if (!modern && input.interactive) await this.keepNotificationStream(timeoutMs, true);
    const reply = await postMessage({
      url: this.url,
      headers: modern ? { ...this.modernHeaders(method, params), ...headers } : this.headers(),
      body: JSON.stringify(
        params === undefined
          ? { jsonrpc: '2.0', id, method }
          : { jsonrpc: '2.0', id, method, params },
      ),
      timeoutMs,
      operation,
      expectId: id,
      rpcErrorBodies: modern,
      signal,
      onStart: (hold) => {
        call = { input, hold };
        if (input.interactive) this.calls.add(call);
      },
      onMessage: (message) => this.receive(message, timeoutMs, call),
      onHeaders: modern ? undefined : (headers) => this.noteSession(headers),
    })
      .catch((error: unknown) => {
        if (!modern && isSessionExpired(error)) this.forgotten = true;
        // A 2025 server is told a call it may still be running is over; on 2026-07-28 the
        // closed request stream already told it.
        const abandoned =
          error instanceof CallCancelledError || error instanceof UpstreamTimeoutError;
        if (!modern && abandoned && method === 'tools/call') {
          this.tellCancelled(id, error instanceof CallCancelledError ? 'cancelled' : 'timed out');
        }
        throw error;
      })
      .finally(() => {
        if (call) this.calls.delete(call);
        if (onProgress) this.progressListeners.delete(id);
      });
    if (reply === null) throw new HttpProtocolError(`${operation}: the server sent no response`);
    if ('error' in reply) {
      const { code, message, data } = reply.error;
      throw new UpstreamRpcError(code, message, data);
    }
    if (!('result' in reply) || typeof reply.result !== 'object' || reply.result === null) {
      throw new HttpProtocolError(`${operation}: the response has no result`);
    }
    return reply.result;
  }

  /** `notifications/cancelled` for request `id`, in the background and best effort. */
  private tellCancelled(id: number, reason: string): void {
    if (this.closed) return;
    void this.notify('notifications/cancelled', END_SESSION_TIMEOUT_MS, {
      requestId: id,
      reason,
    }).catch(() => undefined);
  }

  private async notify(method: string, timeoutMs: number, params?: Params): Promise<void> {
    await postMessage({
      url: this.url,
      headers: this.headers(),
      body: JSON.stringify(
        params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params },
      ),
      timeoutMs,
      operation: method,
      expectId: null,
      onMessage: (message) => this.receive(message, timeoutMs, null),
    });
  }

  /** Notifications and (2025 only) server-to-client requests, on any stream the server chose. */
  private receive(message: JSONRPCMessage, timeoutMs: number, call: ActiveCall | null): void {
    if (!('method' in message)) return;
    if (!('id' in message)) {
      if (message.method === 'notifications/progress') {
        const token = (message.params as { progressToken?: unknown } | undefined)?.progressToken;
        const listener = typeof token === 'number' ? this.progressListeners.get(token) : undefined;
        const progress = listener && progressOf(message.params);
        if (listener && progress) listener(progress);
        return;
      }
      if (LIST_CHANGED.has(message.method)) {
        this.listsChanged = true;
        this.hooks.onListChanged(this);
      }
      return;
    }
    // 2026-07-28 has no server-to-client requests (input comes as input_required results).
    if (this.era === 'modern') return;
    const { id, method } = message;
    // A request on a stream of its own belongs to the call in flight, when there is just one.
    const [sole, ...others] = this.calls;
    const asker = call ?? (others.length === 0 ? sole : undefined) ?? null;
    void this.answerRequest(method, message.params, asker).then((outcome) =>
      postMessage({
        url: this.url,
        headers: this.headers(),
        body: JSON.stringify({ jsonrpc: '2.0', id, ...outcome }),
        timeoutMs,
        operation: `reply to ${method}`,
        expectId: null,
        onMessage: () => undefined,
      }).catch(() => undefined),
    );
  }

  /**
   * What omni2 answers a 2025 server's request: ping, an elicitation form (asked of whoever runs
   * the call, the tool's clock stopped meanwhile), and a clear refusal for anything else.
   */
  private async answerRequest(
    method: string,
    params: unknown,
    call: ActiveCall | null,
  ): Promise<{ result: unknown } | { error: { code: number; message: string } }> {
    if (method === 'ping') return { result: {} };
    const request = method === 'elicitation/create' ? elicitationOf(params) : null;
    if (request === null) {
      const code =
        method === 'elicitation/create'
          ? ProtocolErrorCode.InvalidParams
          : ProtocolErrorCode.MethodNotFound;
      const text =
        method === 'elicitation/create'
          ? 'omni2 answers form elicitations only (message and requestedSchema)'
          : unsupportedRequestMessage(method);
      return { error: { code, message: text } };
    }
    if (call === null) return { result: { action: 'cancel' } };
    const release = call.hold();
    try {
      return { result: withDefaults(request, await call.input.elicit(request)) };
    } catch {
      return { result: { action: 'cancel' } };
    } finally {
      release?.();
    }
  }

  /**
   * Keeps a stream open on which the server tells us its lists changed, when it announces that it
   * will: the GET stream of a 2025 session, a `subscriptions/listen` request on 2026-07-28. A
   * stream that dropped is reopened at the next check.
   */
  private keepNotificationStream(timeoutMs: number, evenUnannounced = false): Promise<void> {
    if (this.closed || this.stream || this.streamRefused) return Promise.resolve();
    if (this.streamOpening) return this.streamOpening;
    if (!evenUnannounced && listChangeFilter(this.capabilities) === null) return Promise.resolve();
    const modern = this.era === 'modern';
    if (!modern && this.sessionId === null) return Promise.resolve();
    const listen = modern ? listenParams(this.capabilities) : undefined;
    this.streamOpening = openEventStream({
      url: this.url,
      headers: listen ? this.modernHeaders('subscriptions/listen', listen) : this.headers(),
      body: listen
        ? JSON.stringify({
            jsonrpc: '2.0',
            id: this.nextId++,
            method: 'subscriptions/listen',
            params: listen,
          })
        : undefined,
      timeoutMs,
      onMessage: (message) => this.receive(message, timeoutMs, null),
      onEnd: () => {
        this.stream = null;
      },
    }).then(
      (stream) => {
        this.streamOpening = null;
        if (stream === null) this.streamRefused = true;
        else if (this.closed) stream.close();
        else this.stream = stream;
      },
      () => {
        // Not fatal: the capability cache expires anyway, and the next check tries again.
        this.streamOpening = null;
      },
    );
    return this.streamOpening;
  }

  private headers(_for?: 'DELETE'): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...this.target.headers };
    if (this.bearerToken !== null) headers.authorization = `Bearer ${this.bearerToken}`;
    if (this.sessionId !== null) headers['mcp-session-id'] = this.sessionId;
    if (this.version !== null) headers['mcp-protocol-version'] = this.version;
    return headers;
  }

  private modernHeaders(method: string, params: Params): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {
      ...this.target.headers,
      'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
      'mcp-method': method,
    };
    if (this.bearerToken !== null) headers.authorization = `Bearer ${this.bearerToken}`;
    const field = NAME_HEADER_SOURCE[method];
    const value = field === undefined ? undefined : params?.[field];
    if (typeof value === 'string') headers['mcp-name'] = headerValue(value);
    return headers;
  }

  private noteSession(headers: IncomingHttpHeaders): void {
    const id = headers['mcp-session-id'];
    if (typeof id === 'string' && id !== '') this.sessionId = id;
  }
}

/** A -32022 refusal that still names the revision we speak: worth one more try. */
function offersModern(data: unknown): boolean {
  const supported = (data as { supported?: unknown } | null | undefined)?.supported;
  return Array.isArray(supported) && supported.includes(MODERN_PROTOCOL_VERSION);
}

/** 4xx answers a 2025 server gives a request without a session (or a method it does not know). */
function legacySignal(error: HttpStatusError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403;
}

function serverInfoOf(result: Record<string, unknown>): { name: string; version: string } | null {
  const meta = result._meta as Record<string, unknown> | undefined;
  return infoOf(meta?.['io.modelcontextprotocol/serverInfo'] ?? result.serverInfo);
}

function infoOf(value: unknown): { name: string; version: string } | null {
  const info = value as { name?: unknown; version?: unknown } | undefined;
  return info && typeof info.name === 'string'
    ? {
        name: intern(info.name),
        version: intern(typeof info.version === 'string' ? info.version : ''),
      }
    : null;
}

/**
 * The answers to a 2026-07-28 `input_required` result, key by key: elicitation forms are asked
 * of whoever runs the call; anything else (sampling, roots) fails the call with a clear reason.
 */
async function answerInputRequests(
  requests: unknown,
  input: InputBroker,
): Promise<Record<string, unknown>> {
  if (typeof requests !== 'object' || requests === null || Array.isArray(requests)) {
    throw new HttpProtocolError('an input_required result has no inputRequests object');
  }
  const answers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requests as Record<string, unknown>)) {
    const { method, params } = (value ?? {}) as { method?: unknown; params?: unknown };
    const request = method === 'elicitation/create' ? elicitationOf(params) : null;
    if (request === null) {
      throw new HttpProtocolError(
        `the server asked for input omni2 cannot give: ${unsupportedRequestMessage(String(method))}`,
      );
    }
    answers[key] = withDefaults(request, await input.elicit(request));
  }
  return answers;
}

/** The `subscriptions/listen` request for the list changes a 2026-07-28 server announces. */
function listenParams(caps: ServerCapabilities): Record<string, unknown> {
  return { notifications: listChangeFilter(caps) ?? {}, _meta: MODERN_META };
}

/** Thousands of sessions to the same kind of server share one capabilities object. */
function internCapabilities(value: unknown): ServerCapabilities {
  if (typeof value !== 'object' || value === null) return {};
  return intern(value as ServerCapabilities);
}
