import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

/** Polls instead of sleeping: resolves as soon as `condition` holds, fails at the deadline. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Counts the tools/list_changed notifications the client receives. */
export function countToolListChanged(client: Client): () => number {
  let count = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    count += 1;
  });
  return () => count;
}

/** The checks every transport must pass on a healthy server. */
export async function expectCatalogue(client: Client): Promise<void> {
  expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
  await expect(client.ping()).resolves.toEqual({});

  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name)).toEqual(
    expect.arrayContaining(['echo', 'add', 'fail', 'sleep']),
  );
  expect(tools.find((tool) => tool.name === 'add')?.outputSchema).toBeDefined();

  const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
  expect(echo.content).toEqual([{ type: 'text', text: 'hi' }]);

  const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
  expect(add.structuredContent).toEqual({ sum: 5 });
  expect(add.content).toEqual([{ type: 'text', text: '5' }]);

  const fail = await client.callTool({ name: 'fail', arguments: {} });
  expect(fail.isError).toBe(true);
  expect(fail.content).toEqual([{ type: 'text', text: 'testkit: tool failed on purpose' }]);

  const slept = await client.callTool({ name: 'sleep', arguments: { ms: 5 } });
  expect(slept.content).toEqual([{ type: 'text', text: 'slept 5' }]);

  const { prompts } = await client.listPrompts();
  expect(prompts.map((prompt) => prompt.name)).toEqual(['greet']);
  const { resources } = await client.listResources();
  expect(resources.map((resource) => resource.uri)).toEqual(['testkit://readme']);
}

/** Expects `promise` to reject with an error carrying `code` (McpError, StreamableHTTPError, SseError). */
export async function expectCode(promise: Promise<unknown>, code: number): Promise<Error> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a rejection with code ${code}`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).toHaveProperty('code', code);
  return error as Error;
}
