import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import {
  type CallToolResult,
  ErrorCode,
  type JSONRPCMessage,
  LATEST_PROTOCOL_VERSION,
  McpError,
  type ServerCapabilities,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import type { ProbeMethod } from '@omni2/contracts';
import { fetchLists } from './capability-views';
import { CLIENT_INFO } from './client-info';
import { type ConnectionTarget, fingerprint } from './connection-target';
import { HttpProtocolError, isMethodNotFound, isSessionExpired } from './error-classifier';
import { endSession, type OpenStream, openEventStream, postMessage } from './http-exchange';
import { intern } from './intern';
import { endInBackground } from './session-ends';
import type { CapabilityLists, McpSession, SessionHooks } from './mcp-session';

const LIST_CHANGED = new Set([
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/resources/list_changed',
]);

type Params = Record<string, unknown> | undefined;

/** Closing a session waits this long at most for the server to acknowledge its end. */
const END_SESSION_TIMEOUT_MS = 2_000;

/**
 * A Streamable HTTP session without the SDK's per-session machinery: a few fields per server,
 * requests on a shared keep-alive pool, and a notification stream only for servers that
 * announce `listChanged`. Ten thousand of these fit where a few hundred SDK clients did.
 */
export class HttpMcpSession implements McpSession {
  readonly fingerprint: string;
  listsChanged = false;
  private closed = false;
  private readonly url: URL;
  private sessionId: string | null = null;
  private protocolVersion: string | null = null;
  private capabilities: ServerCapabilities = {};
  private info: { name: string; version: string } | null = null;
  private nextId = 1;
  private stream: OpenStream | null = null;
  private streamOpening = false;
  /** The server has no notification stream (405); not asked again in this session. */
  private streamRefused = false;
  /** The server answered 404 for the session: there is nothing left to end. */
  private forgotten = false;

  private constructor(
    readonly target: ConnectionTarget,
    private readonly hooks: SessionHooks,
  ) {
    this.fingerprint = fingerprint(target);
    if (target.url === null) throw new Error('url is missing');
    this.url = new URL(target.url);
  }

  /** Connects and runs MCP initialize, bounded by `timeoutMs` end to end. */
  static async open(
    target: ConnectionTarget,
    timeoutMs: number,
    hooks: SessionHooks,
  ): Promise<HttpMcpSession> {
    const session = new HttpMcpSession(target, hooks);
    try {
      await session.initialize(timeoutMs);
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

  get serverInfo(): { name: string; version: string } | null {
    return this.info;
  }

  async ping(timeoutMs: number): Promise<ProbeMethod> {
    this.keepNotificationStream(timeoutMs);
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
    return {
      ...lists,
      server_info: this.info,
      protocol_version: this.protocolVersion,
    };
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<CallToolResult> {
    const result = await this.rpc('tools/call', { name, arguments: args }, timeoutMs, name);
    if (!Array.isArray(result.content) && result.structuredContent === undefined) {
      throw new HttpProtocolError(`tools/call ${name}: the result has no content`);
    }
    return result as CallToolResult;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.stream?.close();
    this.stream = null;
    if (this.sessionId !== null && !this.forgotten) {
      const headers = this.headers();
      endInBackground(() => endSession(this.url, headers, END_SESSION_TIMEOUT_MS));
    }
    return Promise.resolve();
  }

  private async initialize(timeoutMs: number): Promise<void> {
    const started = Date.now();
    const result = await this.rpc(
      'initialize',
      { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
      timeoutMs,
    );
    const version = typeof result.protocolVersion === 'string' ? result.protocolVersion : '';
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      throw new HttpProtocolError(`the server's protocol version is not supported: ${version}`);
    }
    this.protocolVersion = intern(version);
    this.capabilities = internCapabilities(result.capabilities);
    const info = result.serverInfo as { name?: unknown; version?: unknown } | undefined;
    this.info =
      info && typeof info.name === 'string'
        ? {
            name: intern(info.name),
            version: intern(typeof info.version === 'string' ? info.version : ''),
          }
        : null;
    await this.notify('notifications/initialized', Math.max(1, timeoutMs - (Date.now() - started)));
    this.keepNotificationStream(timeoutMs);
  }

  private async rpc(
    method: string,
    params: Params,
    timeoutMs: number,
    detail?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const operation = detail ? `${method} ${detail}` : method;
    const reply = await postMessage({
      url: this.url,
      headers: this.headers(),
      body: JSON.stringify(
        params === undefined
          ? { jsonrpc: '2.0', id, method }
          : { jsonrpc: '2.0', id, method, params },
      ),
      timeoutMs,
      operation,
      expectId: id,
      onMessage: (message) => this.receive(message, timeoutMs),
      onHeaders: (headers) => this.noteSession(headers),
    }).catch((error: unknown) => {
      if (isSessionExpired(error)) this.forgotten = true;
      throw error;
    });
    if (reply === null) throw new HttpProtocolError(`${operation}: the server sent no response`);
    if ('error' in reply) {
      const { code, message, data } = reply.error;
      throw new McpError(code, message, data);
    }
    if (!('result' in reply) || typeof reply.result !== 'object' || reply.result === null) {
      throw new HttpProtocolError(`${operation}: the response has no result`);
    }
    return reply.result;
  }

  private async notify(method: string, timeoutMs: number): Promise<void> {
    await postMessage({
      url: this.url,
      headers: this.headers(),
      body: JSON.stringify({ jsonrpc: '2.0', method }),
      timeoutMs,
      operation: method,
      expectId: null,
      onMessage: (message) => this.receive(message, timeoutMs),
    });
  }

  /** Notifications and server-to-client requests, on any stream the server chose. */
  private receive(message: JSONRPCMessage, timeoutMs: number): void {
    if (!('method' in message)) return;
    if (!('id' in message)) {
      if (LIST_CHANGED.has(message.method)) {
        this.listsChanged = true;
        this.hooks.onListChanged(this);
      }
      return;
    }
    // omni2 offers no client capabilities: a server may ping it, anything else is refused.
    const reply =
      message.method === 'ping'
        ? { jsonrpc: '2.0', id: message.id, result: {} }
        : {
            jsonrpc: '2.0',
            id: message.id,
            error: {
              code: ErrorCode.MethodNotFound,
              message: `${message.method} is not supported`,
            },
          };
    postMessage({
      url: this.url,
      headers: this.headers(),
      body: JSON.stringify(reply),
      timeoutMs,
      operation: `reply to ${message.method}`,
      expectId: null,
      onMessage: () => undefined,
    }).catch(() => undefined);
  }

  /**
   * Servers that can announce list changes get a standing GET stream to announce them on;
   * a stream that dropped is reopened at the next check.
   */
  private keepNotificationStream(timeoutMs: number): void {
    if (this.closed || this.stream || this.streamOpening || this.streamRefused) return;
    if (this.sessionId === null || !announcesListChanges(this.capabilities)) return;
    this.streamOpening = true;
    openEventStream({
      url: this.url,
      headers: this.headers(),
      timeoutMs,
      onMessage: (message) => this.receive(message, timeoutMs),
      onEnd: () => {
        this.stream = null;
      },
    }).then(
      (stream) => {
        this.streamOpening = false;
        if (stream === null) this.streamRefused = true;
        else if (this.closed) stream.close();
        else this.stream = stream;
      },
      () => {
        // Not fatal: the capability cache expires anyway, and the next check tries again.
        this.streamOpening = false;
      },
    );
  }

  private headers(): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = { ...this.target.headers };
    if (this.sessionId !== null) headers['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion !== null) headers['mcp-protocol-version'] = this.protocolVersion;
    return headers;
  }

  private noteSession(headers: IncomingHttpHeaders): void {
    const id = headers['mcp-session-id'];
    if (typeof id === 'string' && id !== '') this.sessionId = id;
  }
}

function announcesListChanges(caps: ServerCapabilities): boolean {
  return Boolean(
    caps.tools?.listChanged || caps.prompts?.listChanged || caps.resources?.listChanged,
  );
}

/** Thousands of sessions to the same kind of server share one capabilities object. */
function internCapabilities(value: unknown): ServerCapabilities {
  if (typeof value !== 'object' || value === null) return {};
  return intern(value as ServerCapabilities);
}
