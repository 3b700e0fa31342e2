import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { type Behaviour, type CallRecord, FAILING_MESSAGE, makeBehaviour } from './behaviour';
import type { TestMcpServer } from './http-server';
import { createModernCatalogue, type ModernCatalogueOptions } from './modern-tools';
import { assertExtraToolNames } from './tools';

/** `modern`: 2026-07-28 only (a 2025 client is refused); `dual`: both revisions. */
export type ModernEra = 'modern' | 'dual';

export interface ModernHttpMcpServerOptions extends ModernCatalogueOptions {
  era: ModernEra;
  behaviour?: Partial<Behaviour>;
  name?: string;
}

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
  private extraTools: readonly string[] = [];
  private readonly held = new Set<ServerResponse>();
  private http?: Server;
  private port = 0;
  private stopping?: Promise<void>;
  private handler?: ReturnType<typeof createMcpHandler>;

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
        createModernCatalogue(this.options.name ?? 'testkit-modern', this.extraTools, this.options),
      { legacy: this.options.era === 'modern' ? 'reject' : 'stateless' },
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
    const body = await readBody(req);
    const parsed = parseJson(body);
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
      if (isRequest(message)) this.calls.push({ method: message.method, at: Date.now() });
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
    await handle(req, res, parsed === undefined ? undefined : parsed);
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

function isRequest(message: unknown): message is { method: string; id: unknown } {
  return (
    typeof message === 'object' &&
    message !== null &&
    'method' in message &&
    'id' in message &&
    typeof (message as { method: unknown }).method === 'string'
  );
}
