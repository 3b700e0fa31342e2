import { serverView } from '../core/testing';
import {
  deprecationNotes,
  deprecationText,
  eraOf,
  protocolSummary,
  revisionTag,
  revisionTitle,
} from './protocol-labels';

describe('protocol labels', () => {
  const modern = serverView({ protocol_era: 'modern', protocol_version: '2026-07-28' });
  const legacy = serverView({ protocol_era: 'legacy', protocol_version: '2025-11-25' });
  const unknown = serverView({ protocol_era: null, protocol_version: null });

  it('writes the protocol as era and revision, or not yet contacted', () => {
    expect(protocolSummary(modern)).toBe('modern · 2026-07-28');
    expect(protocolSummary(legacy)).toBe('legacy · 2025-11-25');
    expect(protocolSummary(unknown)).toBe('not yet contacted');
    expect(protocolSummary(serverView({ protocol_era: 'legacy', protocol_version: null }))).toBe(
      'legacy',
    );
  });

  it('tags the revision compactly, a dash when unknown', () => {
    expect(revisionTag(modern)).toBe('2026-07-28');
    expect(revisionTag(unknown)).toBe('—');
    expect(revisionTitle(legacy)).toBe('MCP 2025-11-25 (legacy)');
    expect(revisionTitle(unknown)).toBe('MCP revision unknown: not yet contacted');
  });

  it('puts never contacted under the unknown era', () => {
    expect(eraOf(modern)).toBe('modern');
    expect(eraOf(legacy)).toBe('legacy');
    expect(eraOf(unknown)).toBe('unknown');
  });

  it('says in words what is deprecated: the HTTP+SSE transport, an old revision, or both', () => {
    expect(deprecationNotes(modern)).toEqual([]);
    expect(deprecationNotes(legacy)).toEqual([]);
    expect(deprecationText(legacy)).toBeNull();
    expect(
      deprecationNotes(serverView({ protocol: 'sse', protocol_version: '2025-11-25' })),
    ).toEqual(['Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26']);
    expect(deprecationNotes(serverView({ protocol_version: '2025-03-26' }))).toEqual([
      'Speaks MCP 2025-03-26, a deprecated revision',
    ]);
    expect(deprecationText(serverView({ protocol: 'sse', protocol_version: '2024-11-05' }))).toBe(
      'Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26; ' +
        'Speaks MCP 2024-11-05, a deprecated revision',
    );
    // An SSE server never contacted: the transport alone is already known to be deprecated.
    expect(
      deprecationNotes(serverView({ protocol: 'sse', protocol_era: null, protocol_version: null })),
    ).toEqual(['Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26']);
  });
});
