import type { McpServerView } from './server-view';

/**
 * Revisions and transports the specification has deprecated: the 2024-11-05 and 2025-03-26
 * revisions (superseded by 2025-06-18's structured results and 2026-07-28's stateless protocol)
 * and the HTTP+SSE transport (replaced by Streamable HTTP in 2025-03-26).
 */
export const DEPRECATED_PROTOCOL_VERSIONS: readonly string[] = ['2024-11-05', '2025-03-26'];

export type DeprecatedPart = 'sse_transport' | 'protocol_version';

/** What a server still uses that the specification has deprecated; empty when nothing. */
export function deprecatedParts(
  server: Pick<McpServerView, 'protocol' | 'protocol_version'>,
): DeprecatedPart[] {
  const parts: DeprecatedPart[] = [];
  if (server.protocol === 'sse') parts.push('sse_transport');
  if (
    server.protocol_version !== null &&
    DEPRECATED_PROTOCOL_VERSIONS.includes(server.protocol_version)
  ) {
    parts.push('protocol_version');
  }
  return parts;
}
