import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AlertChannelView } from '@omni2/contracts';
import { ServersStore } from '../core/servers.store';
import {
  flushValidationFailed,
  serverView,
  settle,
  signInAs,
  testProviders,
} from '../core/testing';
import { RuleDialog } from './rule-dialog';

function channel(id: string, name: string): AlertChannelView {
  return {
    id,
    name,
    kind: 'slack',
    config: { url: 'https://hooks.slack.com/***' },
    enabled: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

describe('RuleDialog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  afterEach(() => http.verify());

  async function open() {
    const store = TestBed.inject(ServersStore);
    void store.load();
    http
      .expectOne((r) => r.url === '/api/v1/mcp/servers')
      .flush({
        items: [serverView(), serverView({ id: 'id-web-1', name: 'web-1' })],
        total: 2,
      });
    const fixture = TestBed.createComponent(RuleDialog);
    await fixture.whenStable();
    http
      .expectOne('/api/v1/alerts/channels')
      .flush([channel('c1', 'ops-slack'), channel('c2', 'pager')]);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const click = async (selector: string) => {
      el.querySelector<HTMLInputElement>(selector)!.click();
      await fixture.whenStable();
    };
    const type = async (selector: string, value: string) => {
      const input = el.querySelector<HTMLInputElement>(selector)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    return { fixture, el, click, type };
  }

  it('sends the events, chosen servers, conditions and channels ticked', async () => {
    const { el, click, type } = await open();
    // Events in words, two ticked for a new rule.
    expect(el.querySelector('[data-testid="events"]')?.textContent).toContain(
      'A server goes down (its circuit opens)',
    );
    await type('[data-field="name"]', 'web down');
    await click('[data-event="server_recovered"]');
    await click('[data-event="auth_required"]');
    await click('[data-scope="list"]');
    await click('[data-server-id="id-web-1"]');
    await type('[data-field="min_failures"]', '3');
    await type('[data-field="min_duration_seconds"]', '300');
    expect(el.textContent).toContain('= 5 min');
    await click('[data-field="send_recovery"]');
    await click('[data-channel-id="c2"]');
    el.querySelector<HTMLButtonElement>('[data-testid="save-rule"]')!.click();
    const req = http.expectOne('/api/v1/alerts/rules');
    expect(req.request.body).toEqual({
      name: 'web down',
      events: ['server_down', 'auth_required'],
      server_scope: 'list',
      server_ids: ['id-web-1'],
      name_pattern: null,
      min_failures: 3,
      min_duration_seconds: 300,
      reminder_interval_seconds: null,
      send_recovery: false,
      channel_ids: ['c2'],
      enabled: true,
    });
    req.flush({});
  });

  it('previews a name pattern and shows the 400’s messages under their fields', async () => {
    const { fixture, el, click, type } = await open();
    await click('[data-scope="pattern"]');
    await type('[data-field="name_pattern"]', 'web-*');
    expect(el.querySelector('[data-testid="pattern-matches"]')?.textContent).toContain('web-1');
    expect(el.querySelector('[data-testid="pattern-matches"]')?.textContent).not.toContain('alpha');
    await type('[data-field="name_pattern"]', 'Web');
    el.querySelector<HTMLButtonElement>('[data-testid="save-rule"]')!.click();
    const req = http.expectOne('/api/v1/alerts/rules');
    expect(req.request.body).toMatchObject({ server_scope: 'pattern', name_pattern: 'Web' });
    flushValidationFailed(req, [
      { field: 'name', message: 'must not be empty' },
      { field: 'name_pattern', message: 'must be a name glob' },
      { field: 'channel_ids', message: 'must name a channel' },
    ]);
    await settle(fixture);
    const under = (selector: string) =>
      el.querySelector(selector)?.closest('.field')?.querySelector('.field-error')?.textContent;
    expect(under('[data-field="name"]')).toContain('must not be empty');
    expect(under('[data-field="name_pattern"]')).toContain('must be a name glob');
    expect(under('[data-testid="rule-channels"]')).toContain('must name a channel');
    expect(el.querySelector('[data-testid="dialog-error"]')?.textContent).toContain(
      'Please fix the marked fields.',
    );
  });
});
