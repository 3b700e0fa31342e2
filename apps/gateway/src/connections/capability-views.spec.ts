import { fetchLists, type ListPage } from './capability-views';

const caps = { tools: {}, prompts: {} };

/** Pages as a server would answer them: the hints ride on each list result. */
function pages(hints: Record<string, { ttlMs?: unknown; cacheScope?: unknown }>): ListPage {
  return (method) =>
    Promise.resolve({
      ...(method === 'tools/list' ? { tools: [] } : { prompts: [] }),
      ...hints[method],
    });
}

describe('fetchLists cache hints', () => {
  it('is null when no list carries a hint (a 2025 server)', async () => {
    expect((await fetchLists(caps, pages({}))).cache_hint).toBeNull();
  });

  it('takes the shortest lifetime and stays public only when every list is', async () => {
    const lists = await fetchLists(
      caps,
      pages({
        'tools/list': { ttlMs: 5_000, cacheScope: 'public' },
        'prompts/list': { ttlMs: 60_000, cacheScope: 'public' },
      }),
    );
    expect(lists.cache_hint).toEqual({ ttl_ms: 5_000, scope: 'public' });
  });

  it.each([
    ['negative', -1],
    ['not a number', '60000'],
    ['not finite', Infinity],
    ['NaN', NaN],
  ])('reads a %s ttlMs as 0 and a missing or unknown scope as private', async (_what, ttlMs) => {
    const lists = await fetchLists(
      caps,
      pages({
        'tools/list': { ttlMs, cacheScope: 'shared' },
        'prompts/list': { ttlMs: 60_000 },
      }),
    );
    expect(lists.cache_hint).toEqual({ ttl_ms: 0, scope: 'private' });
  });
});
