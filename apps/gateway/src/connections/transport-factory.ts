import { setMaxListeners } from 'node:events';
import {
  type AuthProvider,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { BearerSource, ConnectionTarget } from './connection-target';

export function createTransport(target: ConnectionTarget): Transport {
  const authProvider = target.bearer ? bearerAuth(target.bearer) : undefined;
  switch (target.protocol) {
    case 'streamable_http':
      return new StreamableHTTPClientTransport(new URL(requireValue(target.url, 'url')), {
        requestInit: { headers: target.headers },
        fetch: sessionFetch,
        authProvider,
      });
    case 'sse':
      return new SSEClientTransport(new URL(requireValue(target.url, 'url')), {
        requestInit: { headers: target.headers },
        fetch: sessionFetch,
        authProvider,
      });
    case 'stdio':
      // No shell, and only the SDK's minimal default environment plus the server's own env:
      // omni2's secrets are never inherited by the child.
      return new StdioClientTransport({
        command: requireValue(target.command, 'command'),
        args: target.args,
        env: target.env,
        ...(target.cwd ? { cwd: target.cwd } : {}),
        stderr: 'pipe',
      });
  }
}

/**
 * The SDK transports ask for the token before every request; after a 401 they let the token be
 * renewed once and retry (a second 401 fails the request). A token that cannot be had is not
 * thrown from `token()`, where the SSE transport would keep only its message: the request goes
 * without one, and the 401 it earns rethrows the reason whole (`auth` kind, not unreachable).
 */
function bearerAuth(source: BearerSource): AuthProvider {
  let current: string | null = null;
  let failure: Error | null = null;
  return {
    token: async () => {
      try {
        current = await source.token();
        failure = null;
        return current;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        return undefined;
      }
    },
    onUnauthorized: async () => {
      if (failure instanceof Error) throw failure;
      if (current !== null) current = await source.renew(current);
    },
  };
}

const widened = new WeakSet<AbortSignal>();

/**
 * The SDK passes one long-lived AbortSignal per session to every fetch, and undici releases its
 * abort listeners lazily, so a busy session crosses Node's listener warning threshold (and then
 * pays for a listener scan on every request). The listeners are bounded by in-flight requests
 * plus garbage collection, so the limit is lifted for that signal alone.
 */
const sessionFetch: typeof fetch = (input, init) => {
  const signal = init?.signal;
  if (signal && !widened.has(signal)) {
    setMaxListeners(0, signal);
    widened.add(signal);
  }
  return fetch(input, init);
};

function requireValue(value: string | null, field: string): string {
  if (value === null) throw new Error(`${field} is missing`);
  return value;
}
