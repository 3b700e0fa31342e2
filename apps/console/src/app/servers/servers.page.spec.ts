import { Location } from '@angular/common';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { McpServerView } from '@omni2/contracts';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
import { ServersStore } from '../core/servers.store';
import { ServersPage } from './servers.page';

/** The page over `servers` (the list request answered), with ways to read its rows. */
async function renderPage(servers: McpServerView[], query: Record<string, string> = {}) {
  const fixture = TestBed.createComponent(ServersPage);
  for (const [name, value] of Object.entries(query)) fixture.componentRef.setInput(name, value);
  await fixture.whenStable();
  TestBed.inject(HttpTestingController)
    .expectOne((r) => r.url === '/api/v1/mcp/servers')
    .flush({ items: servers, total: servers.length });
  await settle(fixture);
  const el = fixture.nativeElement as HTMLElement;
  const row = (name: string) => el.querySelector<HTMLElement>(`[data-server="${name}"]`);
  const shown = () =>
    [...el.querySelectorAll<HTMLElement>('[data-server]')].map((r) => r.dataset['server']);
  const cell = (name: string, selector: string) =>
    el.querySelector<HTMLElement>(`[data-server="${name}"] ${selector}`);
  return { fixture, el, row, shown, cell, store: TestBed.inject(ServersStore) };
}

describe('ServersPage protocol', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('viewer');
  });

  const fleet = [
    serverView({
      id: '1',
      name: 'modern',
      protocol_era: 'modern',
      protocol_version: '2026-07-28',
    }),
    serverView({ id: '2', name: 'legacy', protocol_era: 'legacy', protocol_version: '2025-11-25' }),
    serverView({ id: '3', name: 'fresh', protocol_era: null, protocol_version: null }),
    serverView({
      id: '4',
      name: 'old-sse',
      protocol: 'sse',
      protocol_era: 'legacy',
      protocol_version: '2024-11-05',
    }),
  ];

  it('shows the revision beside the transport, a dash before the first contact', async () => {
    const { row } = await renderPage(fleet);
    const tag = (name: string, id: string) =>
      row(name)!.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
    expect(tag('modern', 'transport').textContent?.trim()).toBe('http');
    expect(tag('modern', 'revision').textContent?.trim()).toBe('2026-07-28');
    expect(tag('modern', 'revision').getAttribute('title')).toBe('MCP 2026-07-28 (modern)');
    expect(tag('fresh', 'revision').textContent?.trim()).toBe('—');
    expect(tag('old-sse', 'transport').textContent?.trim()).toBe('sse');
    // In the name cell: no new column.
    expect(tag('legacy', 'revision').closest('.td.name')).not.toBeNull();
  });

  it('marks deprecated parts, saying in words what is deprecated', async () => {
    const { row } = await renderPage(fleet);
    for (const name of ['modern', 'legacy', 'fresh']) {
      expect(row(name)!.querySelector('[data-testid="deprecated"]')).toBeNull();
      expect(row(name)!.querySelector('.deprecated-part')).toBeNull();
    }
    const mark = row('old-sse')!.querySelector<HTMLElement>('[data-testid="deprecated"]')!;
    const words =
      'Uses the HTTP+SSE transport, deprecated since MCP 2025-03-26; ' +
      'Speaks MCP 2024-11-05, a deprecated revision';
    expect(mark.getAttribute('title')).toBe(words);
    expect(mark.getAttribute('aria-label')).toBe(words);
    expect(mark.getAttribute('role')).toBe('img');
    expect(mark.classList).toContain('deprecated');
    const amber = [...row('old-sse')!.querySelectorAll('.deprecated-part')].map((e) =>
      e.textContent?.trim(),
    );
    expect(amber).toEqual(['sse', '2024-11-05']);
  });

  it('filters by protocol era, a server never contacted being unknown, and keeps it in the URL', async () => {
    const { fixture, el, shown } = await renderPage(fleet);
    expect(shown()).toHaveLength(4);
    const select = el.querySelector<HTMLSelectElement>('[data-testid="era-filter"]')!;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'modern', 'legacy', 'unknown']);

    select.value = 'unknown';
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(shown()).toEqual(['fresh']);
    expect(TestBed.inject(Location).path()).toBe('/servers?protocol_era=unknown');

    select.value = 'legacy';
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(shown().sort()).toEqual(['legacy', 'old-sse']);
    expect(el.querySelector('[data-testid="row-count"]')?.textContent?.trim()).toBe('2 of 4');

    select.value = '';
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(shown()).toHaveLength(4);
    expect(TestBed.inject(Location).path()).toBe('/servers');
  });

  it('follows a parameter the URL names again, keeping the filters it leaves out', async () => {
    const { fixture, el, shown } = await renderPage(fleet, { q: 'e', protocol_era: 'legacy' });
    const era = () => el.querySelector<HTMLSelectElement>('[data-testid="era-filter"]')!.value;
    expect(era()).toBe('legacy');
    expect(shown().sort()).toEqual(['legacy', 'old-sse']);
    // The operator clears the era filter; a link naming only the search leaves it cleared.
    const select = el.querySelector<HTMLSelectElement>('[data-testid="era-filter"]')!;
    select.value = '';
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    fixture.componentRef.setInput('q', 'fresh');
    fixture.componentRef.setInput('protocol_era', undefined);
    await fixture.whenStable();
    expect(era()).toBe('');
    expect(shown()).toEqual(['fresh']);
    // A link naming the era again sets it.
    fixture.componentRef.setInput('protocol_era', 'modern');
    fixture.componentRef.setInput('q', '');
    await fixture.whenStable();
    expect(era()).toBe('modern');
    expect(shown()).toEqual(['modern']);
  });

  it('takes the era filter from the URL', async () => {
    const { el, shown } = await renderPage(fleet, { protocol_era: 'modern' });
    expect(shown()).toEqual(['modern']);
    expect(el.querySelector<HTMLSelectElement>('[data-testid="era-filter"]')!.value).toBe('modern');
  });
});

describe('ServersPage live truth', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('viewer');
  });

  const at = '2026-01-01T00:02:00.000Z';
  const fleet = ['a', 'b', 'c', 'd'].map((name) =>
    serverView({ id: `id-${name}`, name, last_health_check: at, last_success_at: at }),
  );

  it('keeps rows in place through status changes until the user sorts again', async () => {
    const { fixture, el, shown, store } = await renderPage(fleet);
    expect(shown()).toEqual(['a', 'b', 'c', 'd']);
    // Status sort puts an open circuit first; live, the rows must not move.
    store.upsert({ ...fleet[3], health_status: 'circuit_open', circuit_state: 'open' });
    store.upsert({ ...fleet[2], consecutive_failures: 2 });
    await settle(fixture);
    expect(shown()).toEqual(['a', 'b', 'c', 'd']);
    const again = el.querySelector<HTMLButtonElement>('[data-testid="sort-again"]');
    expect(again).not.toBeNull();
    again!.click();
    await settle(fixture);
    expect(shown()).toEqual(['d', 'c', 'a', 'b']);
    expect(el.querySelector('[data-testid="sort-again"]')).toBeNull();
  });

  it('marks a server failing below the threshold and shows what its last check saw', async () => {
    const failing = {
      ...fleet[1],
      consecutive_failures: 4,
      last_health_check: '2026-01-01T00:03:00.000Z',
      last_error: 'HTTP 500',
      last_error_kind: 'protocol' as const,
    };
    const { cell } = await renderPage([fleet[0], failing]);
    expect(cell('b', '[data-testid="suspect"]')?.textContent?.trim()).toBe('failing 4/5');
    expect(cell('b', '[data-status]')?.textContent?.trim()).toBe('healthy');
    expect(cell('b', '[data-col="response"]')?.textContent?.trim()).toBe('protocol');
    expect(cell('a', '[data-testid="suspect"]')).toBeNull();
    expect(cell('a', '[data-col="response"]')?.textContent?.trim()).toBe('4 ms');
  });

  it('never shows more failures than the threshold', async () => {
    const open = {
      ...fleet[0],
      health_status: 'circuit_open' as const,
      circuit_state: 'open' as const,
      consecutive_failures: 8,
    };
    const { cell } = await renderPage([open]);
    expect(cell('a', '[data-col="failures"]')?.textContent?.trim()).toBe('5/5');
  });
});
