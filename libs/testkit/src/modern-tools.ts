import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
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
}

export function createModernCatalogue(
  name: string,
  extraTools: readonly string[],
  { cacheHints, listChanged = true }: ModernCatalogueOptions = {},
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
  for (const extra of extraTools) {
    mcp.registerTool(extra, { description: `Extra tool ${extra}` }, () => ({
      content: [{ type: 'text', text: extra }],
    }));
  }
  return mcp;
}

export const MODERN_README_TEXT =
  'omni2 testkit MCP server (SDK v2): tools echo, add, fail, sleep.';
