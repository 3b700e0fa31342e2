import type { ConnectionTarget } from './connection-target';
import { HttpMcpSession } from './http-session';
import type { McpSession, SessionHooks } from './mcp-session';
import { SdkMcpSession } from './sdk-session';

export type StreamableHttpClient = 'lean' | 'sdk';

/** Streamable HTTP gets the lean session unless the operator asked for the SDK's client. */
export function openSession(
  target: ConnectionTarget,
  timeoutMs: number,
  hooks: SessionHooks,
  streamableHttp: StreamableHttpClient,
): Promise<McpSession> {
  const hint = target.eraHint ?? null;
  if (target.protocol === 'streamable_http' && streamableHttp === 'lean') {
    return HttpMcpSession.open(target, timeoutMs, hooks, hint);
  }
  return SdkMcpSession.open(target, timeoutMs, hooks, hint);
}
