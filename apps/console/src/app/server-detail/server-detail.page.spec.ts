import { TestBed } from '@angular/core/testing';
import type { McpServerView } from '@omni2/contracts';
import { ServersStore } from '../core/servers.store';
import { serverView, signInAs, testProviders } from '../core/testing';
import { ServerDetailPage } from './server-detail.page';

describe('ServerDetailPage protocol', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('viewer');
  });

  /** The detail page of a server the list already holds (its other panels wait on HTTP). */
  async function render(patch: Partial<McpServerView>) {
    TestBed.inject(ServersStore).upsert(serverView(patch));
    const fixture = TestBed.createComponent(ServerDetailPage);
    fixture.componentRef.setInput('id', 'id-alpha');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const field = (id: string) =>
      el
        .querySelector<HTMLElement>(`[data-testid="${id}"]`)
        ?.textContent?.replace(/\s+/g, ' ')
        .trim();
    return { el, field };
  }

  it('shows the protocol as era and revision, and the transport', async () => {
    const modern = await render({ protocol_era: 'modern', protocol_version: '2026-07-28' });
    expect(modern.field('protocol')).toBe('modern · 2026-07-28');
    expect(modern.field('transport')).toBe('Streamable HTTP');
    expect(modern.field('deprecated')).toBeUndefined();
  });

  it('says when the server was never contacted', async () => {
    const { field } = await render({
      protocol: 'stdio',
      protocol_era: null,
      protocol_version: null,
    });
    expect(field('protocol')).toBe('not yet contacted');
    expect(field('transport')).toBe('stdio');
    expect(field('deprecated')).toBeUndefined();
  });

  it('lists what is deprecated, in the same words as the table', async () => {
    const { el, field } = await render({
      protocol: 'sse',
      protocol_era: 'legacy',
      protocol_version: '2025-03-26',
    });
    expect(field('protocol')).toBe('legacy · 2025-03-26');
    expect(field('transport')).toBe('HTTP+SSE');
    const notes = [...el.querySelectorAll('[data-testid="deprecated"] .deprecated-note')].map((n) =>
      n.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(notes).toEqual([
      '⚠︎ Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26',
      '⚠︎ Speaks MCP 2025-03-26, a deprecated revision',
    ]);
    expect(el.querySelector('[data-testid="deprecated"] [aria-hidden="true"]')).not.toBeNull();
  });
});
