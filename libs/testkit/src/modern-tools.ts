import {
  type InputRequest,
  inputRequired,
  inputResponse,
  McpServer,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ASK_FORM, describeAnswer } from './interactive-tools';
import { countSteps, PROGRESS_TOOL, PROGRESS_TOOL_DESCRIPTION } from './long-running-tools';
import { FAIL_TOOL_TEXT } from './tools';

// bin/modern-stdio-server.cjs cannot import this file: keep the two catalogues in step.

/** The 2026-07-28 caching hints the server puts on its results, per method. */
export type ModernCacheHints = NonNullable<
  ConstructorParameters<typeof McpServer>[1]
>['cacheHints'];

/**
 * The testkit catalogue (echo, add, fail, sleep, the greet prompt, the readme resource) on the
 * MCP SDK v2 server, which speaks the 2026-07-28 revision (and 2025 where the endpoint allows).
 */
export interface ModernCatalogueOptions {
  cacheHints?: ModernCacheHints;
  /** Whether the server announces list changes (the SDK's default: it does). */
  listChanged?: boolean;
  /** The `ask` (elicitation) and `sample` (sampling) tools, as input_required results. */
  interactiveTools?: boolean;
  /** The `progress` tool (long-running-tools.ts). */
  longRunningTools?: boolean;
}

export function createModernCatalogue(
  name: string,
  extraTools: readonly string[],
  {
    cacheHints,
    listChanged = true,
    interactiveTools = false,
    longRunningTools = false,
  }: ModernCatalogueOptions = {},
): McpServer {
  const quiet = { listChanged: false };
  const mcp = new McpServer(
    { name, version: '2.0.0' },
    {
      ...(cacheHints ? { cacheHints } : {}),
      ...(listChanged ? {} : { capabilities: { tools: quiet, prompts: quiet, resources: quiet } }),
    },
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
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
      return { content: [{ type: 'text', text: `slept ${ms}` }] };
    },
  );
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
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/plain', text: MODERN_README_TEXT }],
    }),
  );
  if (interactiveTools) registerModernInteractiveTools(mcp);
  if (longRunningTools) registerModernLongRunningTool(mcp);
  for (const extra of extraTools) {
    mcp.registerTool(extra, { description: `Extra tool ${extra}` }, () => ({
      content: [{ type: 'text', text: extra }],
    }));
  }
  return mcp;
}

/** `progress` on the SDK v2 server, for both eras: see long-running-tools.ts. */
function registerModernLongRunningTool(mcp: McpServer): void {
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
    async (args, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
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
      return { content: [{ type: 'text' as const, text: text ?? 'cancelled' }] };
    },
  );
}

/**
 * `ask` and `sample` written once for both eras: on 2026-07-28 they answer input_required, and
 * the SDK turns that into real elicitation/sampling requests for a 2025 client.
 */
function registerModernInteractiveTools(mcp: McpServer): void {
  mcp.registerTool('ask', { description: 'Asks the client for a form' }, (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'form');
    if (answer.kind === 'elicit') {
      return { content: [{ type: 'text' as const, text: describeAnswer(answer) }] };
    }
    return inputRequired({
      inputRequests: {
        form: {
          method: 'elicitation/create',
          params: { mode: 'form', ...ASK_FORM },
        } as unknown as InputRequest,
      },
    });
  });
  mcp.registerTool('sample', { description: 'Asks the client to sample' }, (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'sample');
    if (answer.kind === 'sampling')
      return { content: [{ type: 'text' as const, text: 'sampled' }] };
    return inputRequired({
      inputRequests: {
        sample: inputRequired.createMessage({
          messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
          maxTokens: 5,
        }),
      },
    });
  });
}

export const MODERN_README_TEXT =
  'omni2 testkit MCP server (SDK v2): tools echo, add, fail, sleep.';
