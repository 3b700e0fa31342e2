#!/usr/bin/env node
'use strict';
// The testkit stdio MCP server. Plain CommonJS so that it runs with `node` and no build step;
// its tool catalogue mirrors libs/testkit/src/tools.ts: keep the two in step.
//
// Controlled through two files (see src/stdio-server.ts):
//   TESTKIT_CONTROL_FILE  JSON { name, behaviour, extraTools }, re-read on every request
//   TESTKIT_CALLS_FILE    one JSON line { method, at } appended per request received
//   TESTKIT_NOTIFICATIONS_FILE  (optional) one JSON line { method, at, requestId? } per
//                         notification received

const fs = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const {
  ErrorCode,
  PingRequestSchema,
  isJSONRPCRequest,
} = require('@modelcontextprotocol/sdk/types.js');
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
if (!controlFile || !callsFile) {
  process.stderr.write('stdio-server: TESTKIT_CONTROL_FILE and TESTKIT_CALLS_FILE are required\n');
  process.exit(2);
}

function readControl() {
  return JSON.parse(fs.readFileSync(controlFile, 'utf8'));
}

let control = readControl();

const PROGRESS_INPUT = progressInput(z);
const recordNotification = notificationRecorder(notificationsFile);

// Debouncing coalesces the notifications of a remove+register batch into one.
const mcp = new McpServer(
  { name: control.name, version: '1.0.0' },
  { debouncedNotificationMethods: ['notifications/tools/list_changed'] },
);

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
  async ({ ms }, extra) => {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      extra.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return { content: [{ type: 'text', text: `slept ${ms}` }] };
  },
);
if (control.behaviour.longRunningTools) {
  mcp.registerTool(
    'progress',
    { description: PROGRESS_DESCRIPTION, inputSchema: PROGRESS_INPUT },
    async (args, extra) => {
      const token = extra._meta && extra._meta.progressToken;
      const text = await countSteps(
        args,
        extra.signal,
        token === undefined
          ? null
          : (progress) =>
              extra.sendNotification({
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
        text: 'omni2 testkit MCP server: tools echo, add, fail, sleep.',
      },
    ],
  }),
);
mcp.server.setRequestHandler(PingRequestSchema, () => {
  if (control.behaviour.refusePing) {
    throw Object.assign(new Error('Method not found'), { code: ErrorCode.MethodNotFound });
  }
  return {};
});

const extras = new Map();
function syncExtraTools(names) {
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
}

function refreshControl() {
  try {
    control = readControl();
  } catch {
    // Keep the last good control if the file vanished (cleanup) or is unreadable.
  }
  syncExtraTools(control.extraTools);
}

async function main() {
  syncExtraTools(control.extraTools);
  const transport = new StdioServerTransport();
  await mcp.connect(transport);

  // Behaviour sits between the transport and the SDK so that it covers every request,
  // including initialize and ping.
  const handle = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (!isJSONRPCRequest(message)) {
      if (typeof message.method === 'string') recordNotification(message);
      handle(message, extra);
      return;
    }
    fs.appendFileSync(callsFile, `${JSON.stringify({ method: message.method, at: Date.now() })}\n`);
    refreshControl();
    const behaviour = control.behaviour;
    if (behaviour.exitOnRequest) {
      process.exit(EXIT_CODE_ON_REQUEST);
    }
    if (behaviour.mode === 'hanging') {
      return;
    }
    if (behaviour.mode === 'failing') {
      const error = { code: ErrorCode.InternalError, message: FAILING_MESSAGE };
      void transport.send({ jsonrpc: '2.0', id: message.id, error });
      return;
    }
    if (behaviour.delayMs > 0) {
      setTimeout(() => handle(message, extra), behaviour.delayMs);
      return;
    }
    handle(message, extra);
  };

  // Extra tools must also change without a request, so that the client hears list_changed.
  setInterval(refreshControl, CONTROL_POLL_MS).unref();
}

main().catch((error) => {
  process.stderr.write(`stdio-server: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
