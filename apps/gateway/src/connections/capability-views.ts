import type { Prompt, Resource, ServerCapabilities, Tool } from '@modelcontextprotocol/client';
import type { CacheHintView, PromptView, ResourceView, ToolView } from '@omni2/contracts';
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

/**
 * The list-change notifications a server announces, as a `subscriptions/listen` filter; null
 * when it announces none (then no notification stream is kept for it).
 */
export function listChangeFilter(caps: ServerCapabilities | undefined) {
  const filter = {
    ...(caps?.tools?.listChanged ? { toolsListChanged: true } : {}),
    ...(caps?.prompts?.listChanged ? { promptsListChanged: true } : {}),
    ...(caps?.resources?.listChanged ? { resourcesListChanged: true } : {}),
  };
  return Object.keys(filter).length === 0 ? null : filter;
}

export type ListMethod = 'tools/list' | 'prompts/list' | 'resources/list';

/** One page of an MCP list, fetched however the session's transport fetches it. */
export type ListPage = (
  method: ListMethod,
  params: { cursor: string } | undefined,
) => Promise<{
  nextCursor?: string;
  tools?: Tool[];
  prompts?: Prompt[];
  resources?: Resource[];
  ttlMs?: unknown;
  cacheScope?: unknown;
}>;

/** Every list the server announces, fetched in parallel, each followed through its pages. */
export async function fetchLists(
  caps: ServerCapabilities,
  page: ListPage,
): Promise<Pick<CapabilityLists, 'tools' | 'prompts' | 'resources' | 'cache_hint'>> {
  const hints = new CacheHints();
  const hinted: ListPage = async (method, params) => {
    const result = await page(method, params);
    hints.add(result);
    return result;
  };
  const [tools, prompts, resources] = await Promise.all([
    caps.tools ? collectPages(hinted, 'tools/list', (r) => itemsOf(r.tools).map(toToolView)) : [],
    caps.prompts
      ? collectPages(hinted, 'prompts/list', (r) => itemsOf(r.prompts).map(toPromptView))
      : [],
    caps.resources
      ? collectPages(hinted, 'resources/list', (r) => itemsOf(r.resources).map(toResourceView))
      : [],
  ]);
  return { tools, prompts, resources, cache_hint: hints.combined() };
}

/**
 * 2026-07-28 caching hints over several results: the lists are as fresh as their stalest part
 * (shortest `ttlMs`) and private when any part is. A malformed or negative `ttlMs` counts as 0,
 * as the specification asks; results without one (2025 servers) add nothing.
 */
class CacheHints {
  private ttlMs: number | null = null;
  private scope: CacheHintView['scope'] = 'public';

  add(result: { ttlMs?: unknown; cacheScope?: unknown }): void {
    if (result.ttlMs === undefined) return;
    const ttl =
      typeof result.ttlMs === 'number' && Number.isFinite(result.ttlMs) && result.ttlMs > 0
        ? Math.floor(result.ttlMs)
        : 0;
    this.ttlMs = this.ttlMs === null ? ttl : Math.min(this.ttlMs, ttl);
    if (result.cacheScope !== 'public') this.scope = 'private';
  }

  combined(): CacheHintView | null {
    return this.ttlMs === null ? null : { ttl_ms: this.ttlMs, scope: this.scope };
  }
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
