import {
  type CallToolResult,
  Client,
  type ClientOptions,
  type DiscoverResult,
  type McpSubscription,
  ProtocolError,
  StreamableHTTPClientTransport,
  type Transport,
  ProtocolErrorCode,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ProbeMethod, ProtocolEra } from '@omni2/contracts';
import { fetchLists, listChangeFilter, type ListPage } from './capability-views';
import { CLIENT_INFO } from './client-info';
import { type ConnectionTarget, fingerprint } from './connection-target';
import { HoldableTimer, withDeadline } from './deadline';
import {
  CallCancelledError,
  isMethodNotFound,
  isVersionRejected,
  ProcessExitedError,
  UpstreamTimeoutError,
} from './error-classifier';
import {
  type CapabilityLists,
  type McpSession,
  progressOf,
  type SessionHooks,
  type ToolCallOptions,
} from './mcp-session';
import { fromSdkError } from './sdk-errors';
import { scrubSecrets, secretsOf } from './secret-scrub';
import { endInBackground } from './session-ends';
import {
  CLIENT_CAPABILITIES,
  type ElicitationAnswer,
  elicitationOf,
  type InputBroker,
  MAX_INPUT_WAIT_MS,
  NO_ONE_TO_ASK,
  unsupportedRequestMessage,
  withDefaults,
} from './tool-input';
import { createTransport } from './transport-factory';
import { ScopeRequiredError } from './upstream-errors';

interface ActiveCall {
  input: InputBroker;
  /** Stops the call's clock while the question is open. */
  hold(): () => void;
}

const ACCEPT_ANY: NonNullable<ClientOptions['jsonSchemaValidator']> = {
  getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

const STDERR_TAIL_LINES = 20;
const END_SESSION_TIMEOUT_MS = 2_000;
const DISCOVERY_MEMORY = 10_000;

/**
 * What a server last told us in server/discover, by connection fingerprint: a stdio server the
 * SDK would otherwise probe in a sibling process at every (re)connect is adopted at once.
 */
const discovered = new Map<string, DiscoverResult>();

function remember(key: string, result: DiscoverResult | undefined): void {
  if (result === undefined) return;
  if (discovered.size >= DISCOVERY_MEMORY) discovered.clear();
  discovered.set(key, result);
}

/** What the caller knows of the server's era from an earlier contact (the row). */
export type EraHint = ProtocolEra | null;

/**
 * A session through the MCP SDK's `Client` (v2): stdio and legacy SSE servers, and Streamable
 * HTTP when OMNI2_STREAMABLE_HTTP_CLIENT=sdk. stdio and Streamable HTTP negotiate the era
 * (server/discover first, the 2025 initialize otherwise); SSE is 2025-only by nature.
 */
export class SdkMcpSession implements McpSession {
  readonly fingerprint: string;
  listsChanged = false;
  private closed = false;
  /** The connection ended without omni2 closing it (for stdio: the process exited). */
  private lost = false;
  private closing: Promise<void> | null = null;
  private readonly stderrTail: string[] = [];
  /** The 2026-07-28 `subscriptions/listen` stream, when the server announces list changes. */
  private subscription: McpSubscription | null = null;
  private listenOpening = false;
  private listenRefused = false;
  private warn: (message: string) => void = () => undefined;
  /** Tool calls in flight, with whoever answers their questions. */
  private readonly calls = new Set<ActiveCall>();
  /** Calls that asked for progress, by the progress token omni2 gave them. */
  private readonly progressListeners = new Map<
    string,
    NonNullable<ToolCallOptions['onProgress']>
  >();
  private nextProgressToken = 1;

  private constructor(
    readonly target: ConnectionTarget,
    private readonly client: Client,
    private readonly transport: Transport,
  ) {
    this.fingerprint = fingerprint(target);
  }

  /** Connects (negotiating the era where the transport has two), bounded by `timeoutMs`. */
  static async open(
    target: ConnectionTarget,
    timeoutMs: number,
    hooks: SessionHooks,
    hint: EraHint = null,
  ): Promise<SdkMcpSession> {
    try {
      return await SdkMcpSession.connect(target, timeoutMs, hooks, hint);
    } catch (error) {
      // A server remembered as legacy that now refuses 2025 is asked again from scratch.
      if (hint !== 'legacy' || !isVersionRejected(error)) throw error;
      return SdkMcpSession.connect(target, timeoutMs, hooks, null);
    }
  }

  private static async connect(
    target: ConnectionTarget,
    timeoutMs: number,
    hooks: SessionHooks,
    hint: EraHint,
  ): Promise<SdkMcpSession> {
    const transport = createTransport(target);
    const client = new Client(CLIENT_INFO, {
      // omni2 judges tool output itself (output_validation, the same for both clients) rather
      // than have the SDK fail the call; answers to questions it checks before sending.
      jsonSchemaValidator: ACCEPT_ANY,
      // Defaults are applied by omni2 itself (withDefaults), for both clients alike.
      capabilities: CLIENT_CAPABILITIES,
      ...(target.protocol === 'sse' ? {} : { versionNegotiation: { mode: 'auto' as const } }),
    });
    const session = new SdkMcpSession(target, client, transport);
    session.watch(hooks);
    const key = session.fingerprint;
    const known = discovered.get(key);
    const prior =
      target.protocol === 'sse'
        ? undefined
        : hint === 'legacy'
          ? ({ kind: 'legacy' } as const)
          : hint === 'modern' && known
            ? ({ kind: 'modern', discover: known } as const)
            : undefined;
    try {
      await withDeadline(
        client.connect(transport, { timeout: timeoutMs, ...(prior ? { prior } : {}) }),
        timeoutMs,
        'connect',
      );
    } catch (error) {
      if (prior?.kind === 'modern') discovered.delete(key);
      const explained = session.explain(fromSdkError(error));
      // Closing a stdio child that ignores its stdin takes seconds (SIGTERM, then SIGKILL): the
      // caller has its answer now, the close finishes in the background (shutdown waits for it).
      endInBackground(() => session.close());
      throw explained;
    }
    if (session.era === 'modern') remember(key, client.getDiscoverResult());
    return session;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get listening(): boolean {
    // A 2025 session receives list changes unasked (stdio pipe, SSE, the standalone GET stream).
    if (this.era === 'legacy')
      return listChangeFilter(this.client.getServerCapabilities()) !== null;
    return this.subscription !== null;
  }

  get era(): ProtocolEra {
    return this.client.getProtocolEra() === 'modern' ? 'modern' : 'legacy';
  }

  get protocolVersion(): string | null {
    return this.client.getNegotiatedProtocolVersion() ?? null;
  }

  get serverInfo(): { name: string; version: string } | null {
    const info = this.client.getServerVersion();
    return info ? { name: info.name, version: info.version } : null;
  }

  async ping(timeoutMs: number): Promise<ProbeMethod> {
    if (this.era === 'modern') {
      const result = await this.request(
        this.client.discover({ timeout: timeoutMs }),
        timeoutMs,
        'server/discover',
      );
      remember(this.fingerprint, result);
      this.keepListening(timeoutMs);
      return 'discover';
    }
    try {
      await this.request(this.client.ping({ timeout: timeoutMs }), timeoutMs, 'ping');
      return 'ping';
    } catch (error) {
      if (!isMethodNotFound(error)) throw error;
    }
    if (!this.client.getServerCapabilities()?.tools) return 'none';
    await this.request(
      this.client.listTools(undefined, { timeout: timeoutMs, cacheMode: 'bypass' }),
      timeoutMs,
      'tools/list',
    );
    return 'tools_list';
  }

  async listCapabilities(timeoutMs: number): Promise<CapabilityLists> {
    this.listsChanged = false;
    // The SDK's own list calls, not a generic request: listTools also primes the client's
    // output-schema validation for callTool.
    const lists = await fetchLists(this.client.getServerCapabilities() ?? {}, (method, params) => {
      const options = { timeout: timeoutMs, cacheMode: 'refresh' as const };
      const work: ReturnType<ListPage> =
        method === 'tools/list'
          ? this.client.listTools(params, options)
          : method === 'prompts/list'
            ? this.client.listPrompts(params, options)
            : this.client.listResources(params, options);
      return this.request(work, timeoutMs, method);
    });
    return { ...lists, server_info: this.serverInfo, protocol_version: this.protocolVersion };
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
    { input = NO_ONE_TO_ASK, onProgress, signal }: ToolCallOptions = {},
  ): Promise<CallToolResult> {
    const operation = `tools/call ${name}`;
    if (signal?.aborted) throw new CallCancelledError(operation);
    // A 2025 server asks during the request, and the SDK's timeout cannot pause while a person
    // answers: it gets the longest wait on top, and omni2's holdable timer enforces the call's
    // own timeout. On 2026-07-28 the question ends a leg and the SDK times each leg alone.
    const ceiling =
      timeoutMs + (input.interactive && this.era === 'legacy' ? MAX_INPUT_WAIT_MS : 0);
    const aborted = new AbortController();
    let expired = false;
    const timer = new HoldableTimer(timeoutMs, () => {
      expired = true;
      aborted.abort();
    });
    // The SDK tells the server when the request is aborted: notifications/cancelled with its id
    // (2025, and stdio on 2026-07-28), or by closing the request's stream (2026-07-28 HTTP).
    let cancelled = false;
    const cancel = () => {
      cancelled = true;
      aborted.abort(new CallCancelledError(operation));
    };
    signal?.addEventListener('abort', cancel, { once: true });
    const call: ActiveCall = { input, hold: () => timer.hold() };
    this.calls.add(call);
    // omni2 names the progress token itself rather than use the SDK's onprogress: the SDK
    // dispatches notifications a microtask late and drops its handler as the response arrives,
    // so the last report, sent just before the result, would be lost.
    const progressToken = onProgress ? `omni2-${this.nextProgressToken++}` : null;
    if (progressToken !== null && onProgress) this.progressListeners.set(progressToken, onProgress);
    try {
      return await this.request(
        this.client.callTool(
          {
            name,
            arguments: args,
            ...(progressToken !== null ? { _meta: { progressToken } } : {}),
          },
          { timeout: ceiling, signal: aborted.signal },
        ),
        ceiling,
        operation,
      );
    } catch (error) {
      if (cancelled) throw new CallCancelledError(operation);
      if (expired) throw new UpstreamTimeoutError(operation, timeoutMs);
      throw error;
    } finally {
      timer.clear();
      signal?.removeEventListener('abort', cancel);
      this.calls.delete(call);
      if (progressToken !== null) this.progressListeners.delete(progressToken);
    }
  }

  async readResource(uri: string, timeoutMs: number): Promise<{ contents: unknown[] }> {
    const result = await this.request(
      this.client.readResource({ uri }, { timeout: timeoutMs, cacheMode: 'bypass' }),
      timeoutMs,
      `resources/read ${uri}`,
    );
    return { contents: result.contents };
  }

  async getPrompt(
    name: string,
    args: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ description?: string; messages: unknown[] }> {
    const result = await this.request(
      this.client.getPrompt({ name, arguments: args }, { timeout: timeoutMs }),
      timeoutMs,
      `prompts/get ${name}`,
    );
    return {
      messages: result.messages,
      ...(result.description !== undefined ? { description: result.description } : {}),
    };
  }

  /**
   * A server's elicitation, in either era (the SDK turns 2026-07-28 input_required results into
   * the same request), goes to the call that is running. The SDK does not say which call a
   * request belongs to, so with several calls at once nobody can be asked and it is cancelled.
   */
  private async elicit(params: unknown): Promise<ElicitationAnswer> {
    const request = elicitationOf(params);
    if (request === null) return { action: 'decline' };
    const [call, ...others] = this.calls;
    if (call === undefined || others.length > 0) {
      if (others.length > 0) {
        this.warn('an elicitation arrived during several tool calls; cancelled');
      }
      return { action: 'cancel' };
    }
    const release = call.hold();
    try {
      return withDefaults(request, await call.input.elicit(request));
    } catch {
      return { action: 'cancel' };
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    void this.subscription?.close().catch(() => undefined);
    this.subscription = null;
    this.closing ??= this.endSession().then(() => this.client.close().catch(() => undefined));
    await this.closing;
  }

  /**
   * Keeps a `subscriptions/listen` stream open to a 2026-07-28 server that announces list
   * changes; the changes reach the same notification handlers as a 2025 server's. A server that
   * refuses the request is not asked again on this session.
   */
  private keepListening(timeoutMs: number): void {
    if (this.closed || this.subscription || this.listenOpening || this.listenRefused) return;
    const filter = listChangeFilter(this.client.getServerCapabilities());
    if (filter === null) return;
    this.listenOpening = true;
    this.client.listen(filter, { timeout: timeoutMs }).then(
      (subscription) => {
        this.listenOpening = false;
        if (this.closed) {
          void subscription.close().catch(() => undefined);
          return;
        }
        this.subscription = subscription;
        void subscription.closed.then(() => {
          if (this.subscription === subscription) this.subscription = null;
        });
      },
      (error: unknown) => {
        this.listenOpening = false;
        if (isMethodNotFound(fromSdkError(error))) this.listenRefused = true;
      },
    );
  }

  /** A Streamable HTTP server is told a 2025 session is over (DELETE), as the lean session does. */
  private async endSession(): Promise<void> {
    if (!(this.transport instanceof StreamableHTTPClientTransport)) return;
    if (this.transport.sessionId === undefined) return;
    await withDeadline(
      this.transport.terminateSession(),
      END_SESSION_TIMEOUT_MS,
      'end session',
    ).catch(() => undefined);
  }

  /**
   * The SDK has its own timeout; the deadline also bounds a transport that never sends. Errors
   * leave in omni2's terms (upstream-errors.ts).
   */
  private async request<T>(work: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
    try {
      return await withDeadline(work, timeoutMs + 250, operation);
    } catch (error) {
      const translated = fromSdkError(error);
      // A server that now refuses our version is asked again from scratch on the next use.
      if (isVersionRejected(translated)) void this.close();
      // The SDK transport cannot retry with a wider token itself: the next request gets it, or
      // the step-up's own error says what the operator must do.
      if (translated instanceof ScopeRequiredError && this.target.bearer) {
        throw await this.target.bearer.stepUp(translated.scope).then(
          () => translated,
          (stepUpError: unknown) => stepUpError,
        );
      }
      throw this.explain(translated);
    }
  }

  /** A stdio request that failed because the process went away says so, with its last words. */
  private explain(error: unknown): unknown {
    if (this.target.protocol !== 'stdio' || !this.lost) return error;
    // Scrubbed before it is cut, so a secret straddling the cut cannot leak in part.
    const tail = scrubSecrets(this.stderrTail.join('\n').trim(), secretsOf(this.target));
    const base = error instanceof Error ? error.message : String(error);
    return new ProcessExitedError(tail ? `${base}; process stderr: ${tail.slice(-1_000)}` : base);
  }

  private watch(hooks: SessionHooks): void {
    this.warn = (message) => hooks.onWarning?.(message);
    this.client.onclose = () => {
      if (!this.closed) this.lost = true;
      this.closed = true;
      hooks.onClosed(this);
    };
    const changed = () => {
      this.listsChanged = true;
      hooks.onListChanged(this);
    };
    this.client.setRequestHandler('elicitation/create', (request) => this.elicit(request.params));
    // Sampling and roots are not declared, so a compliant server never asks (and the SDK
    // refuses handlers for them); one that asks anyway learns why not.
    this.client.fallbackRequestHandler = (request) =>
      Promise.reject(
        new ProtocolError(
          ProtocolErrorCode.MethodNotFound,
          unsupportedRequestMessage(request.method),
        ),
      );
    // Replaces the SDK's own progress dispatch (see callTool): reports go to omni2's listeners.
    this.client.setNotificationHandler('notifications/progress', (notification) => {
      const token = notification.params.progressToken;
      const listener = typeof token === 'string' ? this.progressListeners.get(token) : undefined;
      const progress = listener && progressOf(notification.params);
      if (listener && progress) listener(progress);
    });
    this.client.setNotificationHandler('notifications/tools/list_changed', changed);
    this.client.setNotificationHandler('notifications/prompts/list_changed', changed);
    this.client.setNotificationHandler('notifications/resources/list_changed', changed);
    if (this.transport instanceof StdioClientTransport) {
      // Drained so a chatty child never blocks on a full pipe; the tail explains crashes.
      this.transport.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - STDERR_TAIL_LINES));
      });
    }
  }
}
