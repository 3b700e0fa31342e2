import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { prepareStdioMcpServer, type StdioMcpServerHandle } from './stdio-server';
import { countToolListChanged, expectCatalogue, expectCode, waitFor } from './spec-support';

describe('prepareStdioMcpServer', () => {
  let handle: StdioMcpServerHandle | undefined;
  const clients: Client[] = [];

  function prepare(options: Parameters<typeof prepareStdioMcpServer>[0] = {}) {
    handle = prepareStdioMcpServer({ name: 'spec-stdio', ...options });
    return handle;
  }

  async function connect(target: StdioMcpServerHandle) {
    const client = new Client({ name: 'spec', version: '1.0.0' });
    clients.push(client);
    const transport = new StdioClientTransport({
      command: target.command,
      args: target.args,
      env: target.env,
    });
    await client.connect(transport);
    return { client, transport };
  }

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
    await handle?.cleanup();
    handle = undefined;
  });

  it('describes a node child with control files in a fresh temp dir', () => {
    const target = prepare();
    expect(target.command).toBe(process.execPath);
    expect(target.args).toHaveLength(1);
    expect(isAbsolute(target.args[0] ?? '')).toBe(true);
    expect(existsSync(target.args[0] ?? '')).toBe(true);
    const { TESTKIT_CONTROL_FILE: control, TESTKIT_CALLS_FILE: calls } = target.env;
    expect(control && isAbsolute(control) && existsSync(control)).toBe(true);
    expect(calls && dirname(calls) === dirname(control ?? '')).toBe(true);
    expect(target.calls()).toEqual([]);
  });

  it('serves the catalogue and records requests in order', async () => {
    const target = prepare();
    const { client } = await connect(target);
    expect(client.getServerVersion()?.name).toBe('spec-stdio');

    await expectCatalogue(client);

    expect(target.calls().map((call) => call.method)).toEqual([
      'initialize',
      'ping',
      'tools/list',
      'tools/call',
      'tools/call',
      'tools/call',
      'tools/call',
      'prompts/list',
      'resources/list',
    ]);
  });

  it('refusePing answers ping with MethodNotFound while tools keep working', async () => {
    const target = prepare();
    const { client } = await connect(target);
    target.setBehaviour({ refusePing: true });

    const error = await expectCode(client.ping(), ErrorCode.MethodNotFound);
    expect(error).toBeInstanceOf(McpError);
    await expect(client.listTools()).resolves.toHaveProperty('tools');
  });

  it('failing answers every request with -32603, including initialize', async () => {
    const target = prepare();
    const { client } = await connect(target);
    target.setBehaviour({ mode: 'failing' });

    const error = await expectCode(client.ping(), ErrorCode.InternalError);
    expect(error.message).toContain('testkit: failing');
    await expectCode(client.listTools(), ErrorCode.InternalError);
    await expectCode(connect(target), ErrorCode.InternalError);
  });

  it('hanging never answers, so the client times out', async () => {
    const target = prepare();
    const { client } = await connect(target);
    target.setBehaviour({ mode: 'hanging' });

    await expectCode(client.listTools({}, { timeout: 300 }), ErrorCode.RequestTimeout);
  });

  it('delayMs slows every request down', async () => {
    const target = prepare();
    const { client } = await connect(target);
    target.setBehaviour({ delayMs: 150 });

    const started = Date.now();
    await client.ping();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('setExtraTools reaches an idle child, which sends tools/list_changed', async () => {
    const target = prepare();
    const { client } = await connect(target);
    const notified = countToolListChanged(client);

    target.setExtraTools(['extra_one']);
    await waitFor(() => notified() >= 1, 'tools/list_changed without a request');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('extra_one');
    const extra = await client.callTool({ name: 'extra_one', arguments: {} });
    expect(extra.content).toEqual([{ type: 'text', text: 'extra_one' }]);
    expect(notified()).toBe(1);

    target.setExtraTools([]);
    const after = await client.listTools();
    expect(after.tools.map((tool) => tool.name)).not.toContain('extra_one');
    await waitFor(() => notified() >= 2, 'the second tools/list_changed');
  });

  it('exitOnRequest makes the child exit on the next request', async () => {
    const target = prepare();
    const { client, transport } = await connect(target);
    let closed = false;
    transport.onclose = ((previous) => () => {
      closed = true;
      previous?.();
    })(transport.onclose);
    target.setBehaviour({ exitOnRequest: true });

    await expectCode(client.ping(), ErrorCode.ConnectionClosed);
    await waitFor(() => closed, 'the transport to close');
    expect(target.calls().map((call) => call.method)).toEqual(['initialize', 'ping']);
  });

  it('exitOnRequest exits with code 3', async () => {
    const target = prepare({ behaviour: { exitOnRequest: true } });
    const child = spawn(target.command, target.args, {
      env: { ...process.env, ...target.env },
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The child may exit before our write completes.
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`);
    await expect(exited).resolves.toBe(3);
  });

  it('cleanup removes the temp dir', async () => {
    const target = prepare();
    const dir = dirname(target.env['TESTKIT_CONTROL_FILE'] ?? '');
    await target.cleanup();
    expect(existsSync(dir)).toBe(false);
  });
});
