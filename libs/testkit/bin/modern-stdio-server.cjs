#!/usr/bin/env node
'use strict';
// The testkit stdio MCP server on the SDK v2 (2026-07-28). Plain CommonJS so that it runs with
// `node` and no build step; its catalogue mirrors libs/testkit/src/modern-tools.ts: keep them in
// step. Controlled like bin/stdio-server.cjs (TESTKIT_CONTROL_FILE, TESTKIT_CALLS_FILE), plus
// TESTKIT_ERA: `modern` refuses a 2025 opening, `dual` serves both.

const fs = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/server');
const { serveStdio, StdioServerTransport } = require('@modelcontextprotocol/server/stdio');
const { z } = require('zod');
const {
  countSteps,
  notificationRecorder,
  progressInput,
  PROGRESS_DESCRIPTION,
} = require('./progress-tool.cjs');

const FAIL_TOOL_TEXT = 'testkit: tool failed on purpose';
const FAILING_MESSAGE = 'testkit: failing';
const EXIT_CODE_ON_REQUEST = 3;
const CONTROL_POLL_MS = 100;

const controlFile = process.env.TESTKIT_CONTROL_FILE;
const callsFile = process.env.TESTKIT_CALLS_FILE;
const notificationsFile = process.env.TESTKIT_NOTIFICATIONS_FILE;
const era = process.env.TESTKIT_ERA === 'dual' ? 'dual' : 'modern';
if (!controlFile || !callsFile) {
  process.stderr.write(
    'modern-stdio-server: TESTKIT_CONTROL_FILE and TESTKIT_CALLS_FILE are required\n',
  );
  process.exit(2);
}

function readControl() {
  try {
    return JSON.parse(fs.readFileSync(controlFile, 'utf8'));
  } catch {
    return null;
  }
}

let control = readControl();

const PROGRESS_INPUT = progressInput(z);
const recordNotification = notificationRecorder(notificationsFile);

function catalogue() {
  const mcp = new McpServer({ name: control.name, version: '2.0.0' });
  mcp.registerTool(
    'echo',
    { description: 'Returns its text', inputSchema: { text: z.string() } },
    ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  mcp.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  mcp.registerTool('fail', { description: 'Always returns a tool error' }, () => ({
    isError: true,
    content: [{ type: 'text', text: FAIL_TOOL_TEXT }],
  }));
  mcp.registerTool(
    'sleep',
    { description: 'Waits ms milliseconds', inputSchema: { ms: z.number().min(0) } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
      return { content: [{ type: 'text', text: `slept ${ms}` }] };
    },
  );
  if (control.behaviour.longRunningTools) {
    mcp.registerTool(
      'progress',
      { description: PROGRESS_DESCRIPTION, inputSchema: PROGRESS_INPUT },
      async (args, ctx) => {
        const token = ctx.mcpReq._meta && ctx.mcpReq._meta.progressToken;
        const text = await countSteps(
          args,
          ctx.mcpReq.signal,
          token === undefined
            ? null
            : (progress) =>
                ctx.mcpReq.notify({
                  method: 'notifications/progress',
                  params: { progressToken: token, ...progress },
                }),
        );
        return { content: [{ type: 'text', text: text === null ? 'cancelled' : text }] };
      },
    );
  }
  mcp.registerPrompt(
    'greet',
    { description: 'Greets someone', argsSchema: { name: z.string() } },
    ({ name }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Hello, ${name}!` } }],
    }),
  );
  mcp.registerResource(
    'readme',
    'testkit://readme',
    { mimeType: 'text/plain', description: 'About this test server' },
    (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'text/plain',
          text: 'omni2 testkit MCP server (SDK v2): tools echo, add, fail, sleep.',
        },
      ],
    }),
  );
  const extras = new Map();
  const sync = (names) => {
    for (const [name, tool] of extras) {
      if (!names.includes(name)) {
        tool.remove();
        extras.delete(name);
      }
    }
    for (const name of names) {
      if (!extras.has(name)) {
        const tool = mcp.registerTool(name, { description: `Extra tool ${name}` }, () => ({
          content: [{ type: 'text', text: name }],
        }));
        extras.set(name, tool);
      }
    }
  };
  sync(control.extraTools);
  // A change of extra tools reaches the live instance, which announces it (list_changed, on a
  // subscriptions/listen stream for a 2026-07-28 client).
  instances.add(sync);
  return mcp;
}

const instances = new Set();
setInterval(() => {
  control = readControl() ?? control;
  for (const sync of instances) sync(control.extraTools);
}, CONTROL_POLL_MS).unref();

// Behaviour sits between the stdio transport and the SDK, so it covers every request,
// server/discover and initialize included.
const inner = new StdioServerTransport();
const transport = {
  onmessage: undefined,
  onclose: undefined,
  onerror: undefined,
  start: () => inner.start(),
  send: (message, options) => inner.send(message, options),
  close: () => inner.close(),
};
inner.onclose = () => transport.onclose?.();
inner.onerror = (error) => transport.onerror?.(error);
inner.onmessage = (message, extra) => {
  const isRequest = typeof message.method === 'string' && 'id' in message;
  if (!isRequest) {
    if (typeof message.method === 'string') recordNotification(message);
    transport.onmessage?.(message, extra);
    return;
  }
  fs.appendFileSync(callsFile, `${JSON.stringify({ method: message.method, at: Date.now() })}\n`);
  control = readControl() ?? control;
  const behaviour = control.behaviour;
  if (behaviour.exitOnRequest) process.exit(EXIT_CODE_ON_REQUEST);
  if (behaviour.mode === 'hanging') return;
  if (behaviour.mode === 'failing') {
    void inner.send({
      jsonrpc: '2.0',
      id: message.id,
      error: { code: -32603, message: FAILING_MESSAGE },
    });
    return;
  }
  if (behaviour.delayMs > 0) {
    setTimeout(() => transport.onmessage?.(message, extra), behaviour.delayMs);
    return;
  }
  transport.onmessage?.(message, extra);
};

serveStdio(catalogue, { transport, legacy: era === 'modern' ? 'reject' : 'serve' });
