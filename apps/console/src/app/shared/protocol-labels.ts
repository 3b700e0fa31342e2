/**
 * The words for a server's MCP protocol (SPEC §10): era, revision, transport and what of it the
 * specification has deprecated. One place, used by the servers table and the detail page.
 */
import {
  MODERN_PROTOCOL_VERSION,
  deprecatedParts,
  type DeprecatedPart,
  type McpServerView,
  type Protocol,
  type ProtocolEra,
} from '@omni2/contracts';
import { DASH } from './format';

type ProtocolFields = Pick<McpServerView, 'protocol' | 'protocol_era' | 'protocol_version'>;

/** The era filter's values: the API's `protocol_era` filter, with `unknown` for never contacted. */
export const ERA_FILTERS = ['modern', 'legacy', 'unknown'] as const;
export type EraFilter = (typeof ERA_FILTERS)[number];

/** What each era means, for the filter's tooltips (its options are the bare names, to stay narrow). */
export const ERA_FILTER_HINT: Readonly<Record<EraFilter, string>> = {
  modern: `Speaks MCP ${MODERN_PROTOCOL_VERSION}`,
  legacy: `Speaks an MCP revision before ${MODERN_PROTOCOL_VERSION} (2024 or 2025)`,
  unknown: 'Not yet contacted',
};

export const ERA_FILTER_TITLE = `MCP protocol era: modern (${MODERN_PROTOCOL_VERSION}), legacy (2024 and 2025 revisions) or unknown (not yet contacted)`;

/** The era a server falls under in the filter: null (never contacted) is `unknown`. */
export function eraOf(server: Pick<McpServerView, 'protocol_era'>): EraFilter {
  return server.protocol_era ?? 'unknown';
}

/** Short transport names for the table's tag. */
export const TRANSPORT_SHORT: Readonly<Record<Protocol, string>> = {
  streamable_http: 'http',
  sse: 'sse',
  stdio: 'stdio',
};

export const TRANSPORT_NAME: Readonly<Record<Protocol, string>> = {
  streamable_http: 'Streamable HTTP',
  sse: 'HTTP+SSE',
  stdio: 'stdio',
};

const ERA_TEXT: Readonly<Record<ProtocolEra, string>> = {
  modern: 'modern',
  legacy: 'legacy',
};

/** "modern · 2026-07-28", "legacy · 2025-11-25", or "not yet contacted". */
export function protocolSummary(server: ProtocolFields): string {
  if (server.protocol_era === null) return 'not yet contacted';
  const era = ERA_TEXT[server.protocol_era] ?? server.protocol_era;
  return server.protocol_version ? `${era} · ${server.protocol_version}` : era;
}

/** The revision for a compact tag: "2026-07-28", or a dash before the first contact. */
export function revisionTag(server: ProtocolFields): string {
  return server.protocol_version ?? DASH;
}

/** The revision tag's tooltip. */
export function revisionTitle(server: ProtocolFields): string {
  if (server.protocol_version === null) return 'MCP revision unknown: not yet contacted';
  const era = server.protocol_era === null ? '' : ` (${ERA_TEXT[server.protocol_era]})`;
  return `MCP ${server.protocol_version}${era}`;
}

/** One sentence per deprecated part, e.g. "Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26". */
export function deprecationNotes(server: ProtocolFields): string[] {
  return deprecatedParts(server).map((part) => deprecationNote(part, server));
}

function deprecationNote(part: DeprecatedPart, server: ProtocolFields): string {
  switch (part) {
    case 'sse_transport':
      return 'Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26';
    case 'protocol_version':
      return `Speaks MCP ${server.protocol_version}, a deprecated revision`;
  }
}

/** Every deprecated part in one line (a tooltip and its aria-label); null when none. */
export function deprecationText(server: ProtocolFields): string | null {
  const notes = deprecationNotes(server);
  return notes.length > 0 ? notes.join('; ') : null;
}
