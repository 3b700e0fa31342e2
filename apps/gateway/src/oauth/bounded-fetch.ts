import type { FetchLike } from '@modelcontextprotocol/client';

/** fetch for OAuth requests, each held to the server's own timeout. */
export function boundedFetch(timeoutMs: number): FetchLike {
  return (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
