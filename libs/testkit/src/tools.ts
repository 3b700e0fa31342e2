import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  EmptyResultSchema,
  ErrorCode,
  PingRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Behaviour } from './behaviour';
import { ASK_FORM, describeAnswer } from './interactive-tools';
import { countSteps, PROGRESS_TOOL, PROGRESS_TOOL_DESCRIPTION } from './long-running-tools';

// bin/stdio-server.cjs cannot import this file: keep the two catalogues in step.

export const CORE_TOOL_NAMES: readonly string[] = ['echo', 'add', 'fail', 'sleep'];
export const FAIL_TOOL_TEXT = 'testkit: tool failed on purpose';

export interface CatalogueServer {
  readonly mcp: McpServer;
  /** Registers/removes extra tools; the client gets one tools/list_changed per call. */
  setExtraTools(names: readonly string[]): void;
}

export function assertExtraToolNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (CORE_TOOL_NAMES.includes(name) || seen.has(name)) {
      throw new Error(`testkit: extra tool name "${name}" is a duplicate or a core tool`);
    }
    seen.add(name);
  }
}

/**
 * One McpServer with the whole catalogue. `behaviour` is read at request time so that
 * refusePing flips take effect on live sessions.
 */
export function createCatalogueServer(
  name: string,
  behaviour: Behaviour,
  extraTools: readonly string[],
): CatalogueServer {
  // Debouncing coalesces the notifications of a remove+register batch into one.
  const mcp = new McpServer(
    { name, version: '1.0.0' },
    { debouncedNotificationMethods: ['notifications/tools/list_changed'] },
  );
  registerCoreTools(mcp, behaviour);
  if (behaviour.interactiveTools) registerInteractiveTools(mcp);
  if (behaviour.longRunningTools) registerLongRunningTool(mcp);
  mcp.registerPrompt(
    'greet',
    { description: 'Greets someone', argsSchema: { name: z.string() } },
    ({ name: who }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Hello, ${who}!` } }],
    }),
  );
  mcp.registerResource(
    'readme',
    'testkit://readme',
    { mimeType: 'text/plain', description: 'About this test server' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: README_TEXT }] }),
  );
  // Replaces the SDK's built-in ping handler; the error is the SDK's own "no handler" shape.
  mcp.server.setRequestHandler(PingRequestSchema, async (_request, extra) => {
    if (behaviour.refusePing) {
      throw Object.assign(new Error('Method not found'), { code: ErrorCode.MethodNotFound });
    }
    if (behaviour.notifyOnPing) {
      await extra.sendNotification({ method: 'notifications/tools/list_changed' });
    }
    return {};
  });

  const extras = new Map<string, RegisteredTool>();
  const setExtraTools = (names: readonly string[]): void => {
    for (const [toolName, tool] of extras) {
      if (!names.includes(toolName)) {
        tool.remove();
        extras.delete(toolName);
      }
    }
    for (const toolName of names) {
      if (!extras.has(toolName)) {
        extras.set(toolName, registerExtraTool(mcp, toolName));
      }
    }
  };
  setExtraTools(extraTools);
  return { mcp, setExtraTools };
}

const README_TEXT = 'omni2 testkit MCP server: tools echo, add, fail, sleep.';

/** `ask` elicits ASK_FORM from the client; `sample` asks it to sample a model. */
function registerInteractiveTools(mcp: McpServer): void {
  mcp.registerTool('ask', { description: 'Asks the client for a form' }, async (extra) => {
    const answer = await extra.sendRequest(
      // ASK_FORM uses SEP-1330 titled enums, newer than this SDK's types.
      { method: 'elicitation/create', params: { mode: 'form', ...ASK_FORM } as never },
      ElicitResultSchema,
    );
    return { content: [{ type: 'text' as const, text: describeAnswer(answer) }] };
  });
  mcp.registerTool('sample', { description: 'Asks the client to sample' }, async (extra) => {
    const result = await extra
      .sendRequest(
        {
          method: 'sampling/createMessage',
          params: {
            messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
            maxTokens: 5,
          },
        },
        CreateMessageResultSchema,
      )
      .then(
        () => 'sampled',
        (error: Error) => `refused: ${error.message}`,
      );
    return { content: [{ type: 'text' as const, text: result }] };
  });
}

/** `progress` on the SDK v1 server: see long-running-tools.ts. */
function registerLongRunningTool(mcp: McpServer): void {
  mcp.registerTool(
    PROGRESS_TOOL,
    {
      description: PROGRESS_TOOL_DESCRIPTION,
      inputSchema: {
        steps: z.number().int().min(1).max(10_000),
        interval_ms: z.number().min(0).max(60_000),
        no_total: z.boolean().optional(),
      },
    },
    async (args, extra) => {
      const token = extra._meta?.progressToken;
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
      return { content: [{ type: 'text' as const, text: text ?? 'cancelled' }] };
    },
  );
}

function registerCoreTools(mcp: McpServer, behaviour: Behaviour): void {
  mcp.registerTool(
    'echo',
    { description: 'Returns its text', inputSchema: { text: z.string() } },
    async ({ text }, extra) => {
      if (behaviour.pingClientOnEcho) {
        await extra.sendRequest({ method: 'ping' }, EmptyResultSchema, { timeout: 5_000 });
      }
      return { content: [{ type: 'text', text }] };
    },
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
      // The SDK aborts the signal when the session closes: do not keep the process alive.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: `slept ${ms}` }] };
    },
  );
}

function registerExtraTool(mcp: McpServer, name: string): RegisteredTool {
  return mcp.registerTool(name, { description: `Extra tool ${name}` }, () => ({
    content: [{ type: 'text', text: name }],
  }));
}
