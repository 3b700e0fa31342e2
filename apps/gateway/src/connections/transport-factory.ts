import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ConnectionTarget } from './connection-target';

export function createTransport(target: ConnectionTarget): Transport {
  switch (target.protocol) {
    case 'streamable_http':
      return new StreamableHTTPClientTransport(new URL(requireValue(target.url, 'url')), {
        requestInit: { headers: target.headers },
      });
    case 'sse':
      return new SSEClientTransport(new URL(requireValue(target.url, 'url')), {
        requestInit: { headers: target.headers },
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

function requireValue(value: string | null, field: string): string {
  if (value === null) throw new Error(`${field} is missing`);
  return value;
}
