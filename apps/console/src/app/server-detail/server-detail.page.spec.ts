import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { CapabilitiesView, McpServerView } from '@omni2/contracts';
import { ServersStore } from '../core/servers.store';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
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

describe('ServerDetailPage capabilities', () => {
  const caps: CapabilitiesView = {
    server_id: 'id-alpha',
    name: 'alpha',
    tools: [],
    prompts: [{ name: 'greet', description: 'Says hello', arguments: [{ name: 'who' }] }],
    resources: [{ uri: 'file:///motd.txt', name: 'motd', description: 'Message of the day' }],
    cached_at: new Date().toISOString(),
    server_info: null,
    protocol_version: '2025-11-25',
    cache_hint: null,
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
  });

  async function render() {
    TestBed.inject(ServersStore).upsert(serverView());
    const fixture = TestBed.createComponent(ServerDetailPage);
    fixture.componentRef.setInput('id', 'id-alpha');
    await fixture.whenStable();
    const http = TestBed.inject(HttpTestingController);
    for (const req of http.match('/api/v1/mcp/servers/id-alpha/capabilities')) req.flush(caps);
    await settle(fixture);
    return { fixture, http, el: fixture.nativeElement as HTMLElement };
  }

  it('offers Read on each resource and Get on each prompt, and reads a resource', async () => {
    signInAs('operator');
    const { fixture, http, el } = await render();
    const resources = el.querySelector<HTMLElement>('[data-testid="resources"]')!;
    const prompts = el.querySelector<HTMLElement>('[data-testid="prompts"]')!;
    expect(resources.textContent).toContain('file:///motd.txt');
    expect(prompts.textContent).toContain('greet');
    expect(
      prompts.querySelector<HTMLButtonElement>('[data-testid="prompt-toggle"]')?.disabled,
    ).toBe(false);
    resources.querySelector<HTMLButtonElement>('[data-testid="resource-read"]')!.click();
    http.expectOne('/api/v1/mcp/servers/id-alpha/resources/read').flush({
      server_id: 'id-alpha',
      uri: 'file:///motd.txt',
      contents: [{ uri: 'file:///motd.txt', text: 'Welcome' }],
      duration_ms: 1,
    });
    await settle(fixture);
    expect(resources.querySelector('[data-testid="resource-panel"] pre')?.textContent).toBe(
      'Welcome',
    );
  });

  it('keeps Read and Get disabled for a viewer', async () => {
    signInAs('viewer');
    const { el } = await render();
    expect(el.querySelector<HTMLButtonElement>('[data-testid="resource-read"]')?.disabled).toBe(
      true,
    );
    expect(el.querySelector<HTMLButtonElement>('[data-testid="prompt-toggle"]')?.disabled).toBe(
      true,
    );
  });
});
