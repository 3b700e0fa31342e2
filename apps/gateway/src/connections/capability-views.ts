import type { Prompt, Resource, ServerCapabilities, Tool } from '@modelcontextprotocol/client';
import type { PromptView, ResourceView, ToolView } from '@omni2/contracts';
import { HttpProtocolError } from './error-classifier';
import { intern } from './intern';
import type { CapabilityLists } from './mcp-session';

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

export type ListMethod = 'tools/list' | 'prompts/list' | 'resources/list';

/** One page of an MCP list, fetched however the session's transport fetches it. */
export type ListPage = (
  method: ListMethod,
  params: { cursor: string } | undefined,
) => Promise<{ nextCursor?: string; tools?: Tool[]; prompts?: Prompt[]; resources?: Resource[] }>;

/** Every list the server announces, fetched in parallel, each followed through its pages. */
export async function fetchLists(
  caps: ServerCapabilities,
  page: ListPage,
): Promise<Pick<CapabilityLists, 'tools' | 'prompts' | 'resources'>> {
  const [tools, prompts, resources] = await Promise.all([
    caps.tools ? collectPages(page, 'tools/list', (r) => itemsOf(r.tools).map(toToolView)) : [],
    caps.prompts
      ? collectPages(page, 'prompts/list', (r) => itemsOf(r.prompts).map(toPromptView))
      : [],
    caps.resources
      ? collectPages(page, 'resources/list', (r) => itemsOf(r.resources).map(toResourceView))
      : [],
  ]);
  return { tools, prompts, resources };
}

function itemsOf<T>(value: T[] | undefined): T[] {
  if (!Array.isArray(value)) throw new HttpProtocolError('a list response has no items array');
  return value;
}

/** Follows `nextCursor` through a paged MCP list, bounded so a looping server cannot stall us. */
async function collectPages<T>(
  page: ListPage,
  method: ListMethod,
  items: (res: Awaited<ReturnType<ListPage>>) => T[],
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_LIST_PAGES; n++) {
    const res = await page(method, cursor ? { cursor } : undefined);
    out.push(...items(res));
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return out;
}
