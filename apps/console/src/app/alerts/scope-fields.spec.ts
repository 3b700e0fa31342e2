import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ServersStore } from '../core/servers.store';
import { serverView, settle, testProviders } from '../core/testing';
import type { ScopeForm } from './alert-forms';
import { ScopeFields } from './scope-fields';

describe('ScopeFields', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
  });

  async function open(value: ScopeForm) {
    void TestBed.inject(ServersStore).load();
    TestBed.inject(HttpTestingController)
      .expectOne((r) => r.url === '/api/v1/mcp/servers')
      .flush({
        items: [serverView({ id: 'b', name: 'beta' }), serverView({ id: 'a', name: 'alpha' })],
        total: 2,
      });
    const fixture = TestBed.createComponent(ScopeFields);
    fixture.componentRef.setInput('value', value);
    const emitted: ScopeForm[] = [];
    fixture.componentInstance.changed.subscribe((v) => emitted.push(v));
    await settle(fixture);
    return { fixture, el: fixture.nativeElement as HTMLElement, emitted };
  }

  it('lists the servers by name and emits the ticked ids', async () => {
    const { el, emitted } = await open({ scope: 'list', serverIds: ['b'], namePattern: '' });
    const boxes = [...el.querySelectorAll<HTMLInputElement>('[data-server-id]')];
    expect(boxes.map((b) => b.parentElement!.textContent.trim())).toEqual(['alpha', 'beta']);
    expect(boxes.map((b) => b.checked)).toEqual([false, true]);
    boxes[0].click();
    expect(emitted.at(-1)).toEqual({ scope: 'list', serverIds: ['b', 'a'], namePattern: '' });
    el.querySelector<HTMLInputElement>('[data-scope="all"]')!.click();
    expect(emitted.at(-1)?.scope).toBe('all');
  });

  it('shows the gateway’s message for the chosen servers', async () => {
    const { fixture, el } = await open({ scope: 'list', serverIds: [], namePattern: '' });
    fixture.componentRef.setInput('errors', [
      { field: 'server_ids', message: 'must name a server' },
    ]);
    await settle(fixture);
    expect(el.querySelector('.field-error')?.textContent).toContain('must name a server');
  });
});
