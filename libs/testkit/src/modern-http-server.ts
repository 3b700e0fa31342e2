import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  type Behaviour,
  type CallRecord,
  FAILING_MESSAGE,
  makeBehaviour,
  notificationRecord,
} from './behaviour';
import type { TestMcpServer } from './http-server';
import { createModernCatalogue, type ModernCatalogueOptions } from './modern-tools';
import { assertExtraToolNames } from './tools';

/** `modern`: 2026-07-28 only (a 2025 client is refused); `dual`: both revisions. */
export type ModernEra = 'modern' | 'dual';

export interface ModernHttpMcpServerOptions extends ModernCatalogueOptions {
  era: ModernEra;
  behaviour?: Partial<Behaviour>;
  name?: string;
  /**
   * Open `subscriptions/listen` streams the handler accepts (SDK default 1,024). Every route
   * stands for a server of its own, so a fleet of routes on one handler needs more.
   */
  maxSubscriptions?: number;
  /**
   * Answers `server/discover` and the list requests with the SDK's own first answer to each (its
   * id swapped for the request's). For load benchmarks: the SDK builds a server for every
   * request, which on a shared machine makes the test upstream, not the client, the bottleneck.
   */
  replayReads?: boolean;
}

/** Requests whose answers do not depend on anything but the catalogue (one page each here). */
const REPLAYABLE = new Set(['server/discover', 'tools/list', 'prompts/list', 'resources/list']);

/**
 * A Streamable HTTP MCP server on the SDK v2 (`createMcpHandler`), stateless as the 2026-07-28
 * revision is: every request is served on its own. Honours the behaviour knobs that apply to a
 * stateless server (mode, delayMs, requiredBearer).
 */
export async function startModernHttpMcpServer(
  options: ModernHttpMcpServerOptions,
): Promise<TestMcpServer> {
  const server = new ModernTestServer(options);
  await server.listen();
  return server;
}

class ModernTestServer implements TestMcpServer {
  readonly behaviour: Behaviour;
  readonly calls: CallRecord[] = [];
  readonly notifications: CallRecord[] = [];
  readonly abandoned: CallRecord[] = [];
  readonly stray: string[] = [];
  private extraTools: readonly string[] = [];
  private readonly held = new Set<ServerResponse>();
  private http?: Server;
  private port = 0;
  private stopping?: Promise<void>;
  private handler?: ReturnType<typeof createMcpHandler>;
  private readonly replies = new Map<string, Record<string, unknown>>();

  constructor(private readonly options: ModernHttpMcpServerOptions) {
    this.behaviour = makeBehaviour(options.behaviour);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  routeUrl(route: string): string {
    return `${this.url}/${route}`;
  }

  async listen(): Promise<void> {
    this.handler = createMcpHandler(
      () =>
        createModernCatalogue(this.options.name ?? 'testkit-modern', this.extraTools, {
          ...this.options,
          longRunningTools: this.options.longRunningTools ?? this.behaviour.longRunningTools,
        }),
      {
        legacy: this.options.era === 'modern' ? 'reject' : 'stateless',
        maxSubscriptions: this.options.maxSubscriptions,
      },
    );
    const handle = toNodeHandler(this.handler);
    this.http = createServer((req, res) => void this.serve(req, res, handle));
    await new Promise<void>((done) => this.http!.listen(0, '127.0.0.1', done));
    this.port = (this.http.address() as AddressInfo).port;
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    handle: ReturnType<typeof toNodeHandler>,
  ): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path !== '/mcp' && !path.startsWith('/mcp/')) {
      this.stray.push(`${req.method} ${path}`);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    const body = await readBody(req);
    const parsed = parseJson(body);
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
      if (isRequest(message)) {
        this.calls.push({ method: message.method, at: Date.now() });
        const { method } = message;
        res.once('close', () => {
          if (!res.writableFinished) this.abandoned.push({ method, at: Date.now() });
        });
      } else if (isNotification(message)) this.notifications.push(notificationRecord(message));
    }
    const b = this.behaviour;
    if (b.requiredBearer !== null && req.headers.authorization !== `Bearer ${b.requiredBearer}`) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    if (b.mode === 'failing') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(FAILING_MESSAGE);
      return;
    }
    if (b.mode === 'hanging') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (b.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, b.delayMs));
    const replayable =
      this.options.replayReads && isRequest(parsed) && REPLAYABLE.has(parsed.method)
        ? parsed
        : null;
    const recorded = replayable && this.replies.get(replayable.method);
    if (replayable && recorded) {
      const reply = JSON.stringify({ ...recorded, id: replayable.id });
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply);
      return;
    }
    if (replayable) this.record(replayable.method, res);
    await handle(req, res, parsed === undefined ? undefined : parsed);
  }

  /** Keeps the SDK's JSON answer to `method` (a result, not an error) for replayReads. */
  private record(method: string, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') keep(args[0]);
      // An event stream does not parse as JSON: only a plain JSON result is kept.
      const reply = parseJson(Buffer.concat(chunks).toString('utf8'));
      if (res.statusCode === 200 && hasResult(reply)) {
        this.replies.set(method, reply);
      }
      return end(...args);
    }) as typeof res.end;
  }

  sessionCount(): number {
    return 0;
  }

  expireSessions(): void {
    // Stateless: there are no sessions to forget.
  }

  setExtraTools(names: string[]): Promise<void> {
    assertExtraToolNames(names);
    this.extraTools = [...names];
    this.replies.clear();
    // Open subscriptions/listen streams hear about it, as a 2025 server's sessions would.
    this.handler?.notify.toolsChanged();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((done) => {
      void this.handler?.close();
      for (const res of this.held) res.destroy();
      this.http?.closeAllConnections();
      this.http?.close(() => done());
    });
    return this.stopping;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function hasResult(message: unknown): message is Record<string, unknown> {
  return typeof message === 'object' && message !== null && 'result' in message;
}

function isRequest(message: unknown): message is { method: string; id: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    'method' in message &&
    'id' in message &&
    typeof (message as { method: unknown }).method === 'string'
  );
}

function isNotification(message: unknown): message is { method: string; params?: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    !('id' in message) &&
    typeof (message as { method?: unknown }).method === 'string'
  );
}
