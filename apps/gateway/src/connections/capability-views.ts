import type { Prompt, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { PromptView, ResourceView, ToolView } from '@omni2/contracts';
import { intern } from './intern';

const MAX_LIST_PAGES = 50;

// Views are interned: a fleet runs many copies of the same server, and each copy's lists would
// otherwise be held (and cached) once per server.

export function toToolView(t: Tool): ToolView {
  return intern({
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    ...(t.description ? { description: t.description } : {}),
    input_schema: t.inputSchema,
    ...(t.outputSchema ? { output_schema: t.outputSchema } : {}),
  });
}

export function toPromptView(p: Prompt): PromptView {
  return intern({
    name: p.name,
    ...(p.title ? { title: p.title } : {}),
    ...(p.description ? { description: p.description } : {}),
    arguments: (p.arguments ?? []).map((a) => ({
      name: a.name,
      ...(a.description ? { description: a.description } : {}),
      ...(a.required !== undefined ? { required: a.required } : {}),
    })),
  });
}

export function toResourceView(r: Resource): ResourceView {
  return intern({
    uri: r.uri,
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.mimeType ? { mime_type: r.mimeType } : {}),
  });
}

/** Follows `nextCursor` through a paged MCP list, bounded so a looping server cannot stall us. */
export async function collectPages<R extends { nextCursor?: string }, T>(
  list: (params: { cursor: string } | undefined) => Promise<R>,
  items: (res: R) => T[],
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const res = await list(cursor ? { cursor } : undefined);
    out.push(...items(res));
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return out;
}
