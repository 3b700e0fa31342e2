import { setMaxListeners } from 'node:events';
import {
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ConnectionTarget } from './connection-target';

export function createTransport(target: ConnectionTarget): Transport {
  switch (target.protocol) {
    case 'streamable_http':
      return new StreamableHTTPClientTransport(new URL(requireValue(target.url, 'url')), {
        requestInit: { headers: target.headers },
        fetch: sessionFetch,
      });
    case 'sse':
      return new SSEClientTransport(new URL(requireValue(target.url, 'url')), {
        requestInit: { headers: target.headers },
        fetch: sessionFetch,
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
