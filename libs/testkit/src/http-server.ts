import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isInitializeRequest,
  isJSONRPCNotification,
  isJSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type Behaviour,
  type CallRecord,
  FAILING_MESSAGE,
  makeBehaviour,
  notificationRecord,
} from './behaviour';
import { assertExtraToolNames, type CatalogueServer, createCatalogueServer } from './tools';

export type HttpProtocol = 'streamable_http' | 'sse';

export interface HttpMcpServerOptions {
  protocol: HttpProtocol;
  behaviour?: Partial<Behaviour>;
  /** serverInfo.name; default 'testkit'. */
  name?: string;
  /** An OAuth-protected resource (MCP authorization): bearer tokens checked by this guard. */
  protectedBy?: ResourceGuard;
}

/** How an OAuth-protected test server checks a bearer token (see oauth-upstream.ts). */
export interface ResourceGuard {
  /** The token's scopes when it is good for this resource, null when it is not. */
  verify(token: string, resource: string): Promise<string[] | null>;
  /** The RFC 9728 metadata document, for the resource at `resource`. */
  metadata(resource: string): Record<string, unknown>;
  /** Scopes every request needs; a token without them gets 403 insufficient_scope. */
  requiredScopes(): string[];
}

export interface TestMcpServer {
  /** streamable_http: http://127.0.0.1:PORT/mcp ; sse: http://127.0.0.1:PORT/sse */
  readonly url: string;
  /** streamable_http only: another upstream on the same process, at /mcp/<route>. */
  routeUrl(route: string): string;
  /** Live object: assign fields and the next request obeys. */
  readonly behaviour: Behaviour;
  /** Every JSON-RPC request received (not notifications), in order. */
  readonly calls: CallRecord[];
  /** Every JSON-RPC notification received (`notifications/cancelled` with its requestId). */
  readonly notifications: CallRecord[];
  /**
   * POSTed requests whose client closed the connection before the reply was complete (on
   * 2026-07-28 Streamable HTTP, that is how a client cancels a request).
   */
  readonly abandoned: CallRecord[];
  sessionCount(): number;
  /** Forgets every session: the next request with an old session id gets HTTP 404. */
  expireSessions(): void;
  /** Replaces the extra tools and sends notifications/tools/list_changed to every session. */
  setExtraTools(names: string[]): Promise<void>;
  /** Closes sessions and the listener, releasing held requests; idempotent. */
  stop(): Promise<void>;
}

interface Session<T> {
  readonly catalogue: CatalogueServer;
  readonly transport: T;
  readonly createdAt: number;
  /** streamable_http: the latest GET response, which carries server-initiated messages. */
  notificationStream?: Response;
}

type AnySession = Session<StreamableHTTPServerTransport> | Session<SSEServerTransport>;

// How long after initialize setExtraTools waits for a client to open its notification stream.
const NOTIFICATION_STREAM_WAIT_MS = 1000;

export async function startHttpMcpServer(options: HttpMcpServerOptions): Promise<TestMcpServer> {
  const server = new HttpTestServer(options);
  await server.listen();
  return server;
}

class HttpTestServer implements TestMcpServer {
  readonly behaviour: Behaviour;
  readonly calls: CallRecord[] = [];
  readonly notifications: CallRecord[] = [];
  readonly abandoned: CallRecord[] = [];
  private readonly name: string;
  private readonly protocol: HttpProtocol;
  private readonly protectedBy: ResourceGuard | null;
  private readonly streamableSessions = new Map<string, Session<StreamableHTTPServerTransport>>();
  private readonly sseSessions = new Map<string, Session<SSEServerTransport>>();
  /** Expired sessions: unreachable by id, but their streams stay open until stop(). */
  private readonly retired: AnySession[] = [];
  private readonly held = new Set<Response>();
  private extraTools: string[] = [];
  private http?: Server;
  private stopping?: Promise<void>;
  private port = 0;

  constructor(options: HttpMcpServerOptions) {
    this.protocol = options.protocol;
    this.name = options.name ?? 'testkit';
    this.protectedBy = options.protectedBy ?? null;
    this.behaviour = makeBehaviour(options.behaviour);
  }

  async listen(): Promise<void> {
    const app = express();
    app.use(express.json());
    if (this.protectedBy) {
      const metadata = (_req: Request, res: Response) => {
        res.json(this.protectedBy!.metadata(this.url));
      };
      app.get(
        ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'],
        metadata,
      );
      app.use(['/mcp', '/sse', '/messages'], this.bearerGuard);
    }
    if (this.protocol === 'streamable_http') {
      // `/mcp/<route>` serves too: one process can stand in for thousands of upstreams, each
      // route registered as its own server with its own sessions (benchmarks).
      app.all(['/mcp', '/mcp/:route'], this.guard, this.handleStreamable);
    } else {
      app.get('/sse', this.guard, this.openSse);
      app.post('/messages', this.guard, this.handleSseMessage);
    }
    const http = app.listen(0, '127.0.0.1');
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('listening', resolve);
      http.once('error', reject);
    });
    this.port = (http.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/${this.protocol === 'sse' ? 'sse' : 'mcp'}`;
  }

  routeUrl(route: string): string {
    return `http://127.0.0.1:${this.port}/mcp/${encodeURIComponent(route)}`;
  }

  sessionCount(): number {
    return this.liveSessions().length;
  }

  expireSessions(): void {
    this.retired.push(...this.liveSessions());
    this.streamableSessions.clear();
    this.sseSessions.clear();
  }

  async setExtraTools(names: string[]): Promise<void> {
    assertExtraToolNames(names);
    this.extraTools = [...names];
    // A streamable_http notification sent before the client's GET stream is open is lost.
    await this.waitForNotificationStreams();
    for (const session of this.liveSessions()) {
      session.catalogue.setExtraTools(this.extraTools);
    }
    // The SDK sends debounced notifications on a later microtask.
    await new Promise((resolve) => setImmediate(resolve));
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const http = this.http;
    const closed = new Promise<void>((resolve) => {
      if (http === undefined) resolve();
      else http.close(() => resolve());
    });
    for (const res of this.held) {
      res.status(503).end();
    }
    this.held.clear();
    const sessions = [...this.liveSessions(), ...this.retired];
    this.streamableSessions.clear();
    this.sseSessions.clear();
    this.retired.length = 0;
    await Promise.allSettled(sessions.map((session) => session.catalogue.mcp.close()));
    http?.closeAllConnections();
    await closed;
  }

  private liveSessions(): AnySession[] {
    return [...this.streamableSessions.values(), ...this.sseSessions.values()];
  }

  /** RFC 6750 and MCP authorization: 401 with where to find the metadata, 403 for scope. */
  private readonly bearerGuard = (req: Request, res: Response, next: NextFunction) => {
    const guard = this.protectedBy!;
    const resourceMetadata = `http://127.0.0.1:${this.port}/.well-known/oauth-protected-resource/mcp`;
    const required = guard.requiredScopes();
    const challenge = (error: string | null) =>
      [
        `Bearer resource_metadata="${resourceMetadata}"`,
        ...(required.length > 0 ? [`scope="${required.join(' ')}"`] : []),
        ...(error ? [`error="${error}"`] : []),
      ].join(', ');
    const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) {
      res.status(401).set('WWW-Authenticate', challenge(null)).json({ error: 'unauthorized' });
      return;
    }
    guard.verify(token, this.url).then(
      (scopes) => {
        if (scopes === null) {
          res
            .status(401)
            .set('WWW-Authenticate', challenge('invalid_token'))
            .json({ error: 'invalid_token' });
        } else if (!required.every((s) => scopes.includes(s))) {
          res
            .status(403)
            .set('WWW-Authenticate', challenge('insufficient_scope'))
            .json({ error: 'insufficient_scope' });
        } else {
          next();
        }
      },
      (error: unknown) => next(error),
    );
  };

  /** Applies the behaviour before any MCP handling, so that failures are HTTP statuses. */
  private readonly guard = async (req: Request, res: Response, next: NextFunction) => {
    const behaviour = this.behaviour;
    if (
      behaviour.requiredBearer !== null &&
      req.get('authorization') !== `Bearer ${behaviour.requiredBearer}`
    ) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="testkit"')
        .json({ error: 'unauthorized' });
      return;
    }
    if (req.method === 'POST') {
      this.record(req.body);
      const body = req.body as unknown;
      if (isJSONRPCRequest(body)) {
        res.once('close', () => {
          if (!res.writableFinished) this.abandoned.push({ method: body.method, at: Date.now() });
        });
      }
    }
    if (behaviour.mode === 'failing') {
      res.status(500).json(jsonRpcError(-32603, FAILING_MESSAGE));
      return;
    }
    if (behaviour.mode === 'hanging') {
      this.held.add(res);
      res.once('close', () => this.held.delete(res));
      return;
    }
    if (behaviour.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (this.stopping !== undefined) {
        if (!res.headersSent) res.status(503).end();
        return;
      }
    }
    next();
  };

  private record(body: unknown): void {
    for (const message of Array.isArray(body) ? (body as unknown[]) : [body]) {
      if (isJSONRPCRequest(message)) this.calls.push({ method: message.method, at: Date.now() });
      else if (isJSONRPCNotification(message)) this.notifications.push(notificationRecord(message));
    }
  }

  private readonly handleStreamable = async (req: Request, res: Response) => {
    if (this.behaviour.stateless) {
      await this.handleStateless(req, res);
      return;
    }
    const sessionId = req.get('mcp-session-id');
    if (sessionId !== undefined) {
      const session = this.streamableSessions.get(sessionId);
      if (session === undefined) {
        res.status(404).json(jsonRpcError(-32001, 'Session not found'));
        return;
      }
      if (req.method === 'GET') session.notificationStream = res;
      await session.transport.handleRequest(req, res, req.body);
      return;
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
      res.status(400).json(jsonRpcError(-32000, 'Bad Request: No valid session ID provided'));
      return;
    }
    const catalogue = createCatalogueServer(this.name, this.behaviour, this.extraTools);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: this.behaviour.jsonResponse,
      onsessioninitialized: (id) => {
        this.streamableSessions.set(id, { catalogue, transport, createdAt: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.streamableSessions.delete(transport.sessionId);
    };
    await catalogue.mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };

  /** The SDK's stateless pattern: a server and transport per request, no GET stream. */
  private async handleStateless(req: Request, res: Response): Promise<void> {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json(jsonRpcError(-32000, 'Method not allowed'));
      return;
    }
    const catalogue = createCatalogueServer(this.name, this.behaviour, this.extraTools);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: this.behaviour.jsonResponse,
    });
    res.once('close', () => {
      void transport.close();
      void catalogue.mcp.close();
    });
    await catalogue.mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  private readonly openSse = async (_req: Request, res: Response) => {
    const catalogue = createCatalogueServer(this.name, this.behaviour, this.extraTools);
    const transport = new SSEServerTransport('/messages', res);
    this.sseSessions.set(transport.sessionId, { catalogue, transport, createdAt: Date.now() });
    transport.onclose = () => {
      this.sseSessions.delete(transport.sessionId);
    };
    await catalogue.mcp.connect(transport);
  };

  private readonly handleSseMessage = async (req: Request, res: Response) => {
    const sessionId = req.query['sessionId'];
    const session = typeof sessionId === 'string' ? this.sseSessions.get(sessionId) : undefined;
    if (session === undefined) {
      res.status(404).json(jsonRpcError(-32001, 'Session not found'));
      return;
    }
    await session.transport.handlePostMessage(req, res, req.body);
  };

  /**
   * The SDK client opens its GET stream just after connect() resolves. Waits for it in young
   * sessions; an older session without one is not going to open it.
   */
  private async waitForNotificationStreams(): Promise<void> {
    const waiting = () =>
      [...this.streamableSessions.values()].some(
        (session) =>
          session.notificationStream?.headersSent !== true &&
          Date.now() - session.createdAt < NOTIFICATION_STREAM_WAIT_MS,
      );
    while (waiting()) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Shaped like the SDK transports' own HTTP error bodies. */
function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0', id: null, error: { code, message } };
}
