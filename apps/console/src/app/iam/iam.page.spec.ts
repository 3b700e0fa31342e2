import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AuditEntryView, AuditPage } from '@omni2/contracts';
import { settle, signInAs, testProviders } from '../core/testing';
import { AUDIT_FILTER_DEBOUNCE_MS } from './iam-audit';
import { IamPage } from './iam.page';

function entry(patch: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    id: '1',
    actor: 'admin',
    actor_kind: 'user',
    action: 'server.update',
    target_type: 'server',
    target_id: 'id-alpha',
    target_name: 'alpha',
    details: { outcome: 'ok', status: 200, request: { description: 'new', auth_config: '***' } },
    ip: '127.0.0.1',
    created_at: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

describe('IamPage audit tab', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  afterEach(() => http.verify());

  const auditRequests = () => http.match((r) => r.url === '/api/v1/audit');
  const params = (req: TestRequest) =>
    Object.fromEntries(req.request.params.keys().map((k) => [k, req.request.params.get(k)]));

  async function openAudit(first: AuditEntryView[] = [entry()]) {
    const fixture = TestBed.createComponent(IamPage);
    await fixture.whenStable();
    http.expectOne('/api/v1/users').flush([]);
    http.expectOne('/api/v1/api-keys').flush([]);
    const el = fixture.nativeElement as HTMLElement;
    el.querySelector<HTMLButtonElement>('[data-tab="audit"]')!.click();
    await settle(fixture);
    const [req] = auditRequests();
    expect(params(req)).toEqual({ limit: '50' });
    req.flush({ items: first, next_cursor: null } satisfies AuditPage);
    await settle(fixture);
    const control = <T extends HTMLElement>(name: string) =>
      el.querySelector<T>(`[data-filter="${name}"]`)!;
    const rows = () => [...el.querySelectorAll<HTMLElement>('[data-audit]')];
    return { fixture, el, control, rows };
  }

  it('shows details as key: value lines, not JSON, secrets as the gateway sent them', async () => {
    const long = 'd'.repeat(300);
    const { rows } = await openAudit([
      entry({ details: { outcome: 'ok', request: { description: long, auth_config: '***' } } }),
    ]);
    const details = rows()[0].querySelector('[data-testid="audit-details"]')!;
    const lines = [...details.querySelectorAll('[data-detail]')].map((d) => [
      d.querySelector('dt')!.textContent.trim(),
      d.querySelector('dd')!.textContent.trim(),
    ]);
    expect(lines[0]).toEqual(['outcome', 'ok']);
    expect(lines[2]).toEqual(['request.auth_config', '***']);
    // The long value: cut on the line, whole in the tooltip and when expanded.
    expect(lines[1][0]).toBe('request.description');
    const summary = details.querySelector('summary')!;
    expect(summary.textContent.trim()).toBe(`${'d'.repeat(79)}…`);
    expect(summary.getAttribute('title')).toBe(long);
    expect(details.querySelector('details .audit-full')!.textContent).toBe(long);
    expect(details.textContent).not.toContain('{');
  });

  it('every filter control has a label', async () => {
    const { el } = await openAudit();
    const controls = el.querySelectorAll<HTMLElement>('[data-filter]');
    expect(controls.length).toBe(5);
    for (const c of controls) {
      const label = c.closest('label');
      expect(label?.querySelector('.label')?.textContent?.trim()).toBeTruthy();
    }
  });

  it('an action choice asks the gateway at once; typing waits for a pause, then asks once', async () => {
    const { fixture, control, rows } = await openAudit();
    const action = control<HTMLSelectElement>('action');
    action.value = 'tool.execute';
    action.dispatchEvent(new Event('change'));
    await settle(fixture);
    const [byAction] = auditRequests();
    expect(params(byAction)).toEqual({ limit: '50', action: 'tool.execute' });
    byAction.flush({ items: [entry({ id: '7', action: 'tool.execute' })], next_cursor: null });
    await settle(fixture);
    expect(rows().map((r) => r.dataset['action'])).toEqual(['tool.execute']);

    const actor = control<HTMLInputElement>('actor');
    for (const text of ['o', 'op', 'ops-key']) {
      actor.value = text;
      actor.dispatchEvent(new Event('input'));
    }
    expect(auditRequests()).toEqual([]);
    const typed = Date.now();
    let asked: TestRequest[] = [];
    await vi.waitFor(
      () => {
        asked = auditRequests();
        expect(asked.length).toBe(1);
      },
      { timeout: 5_000, interval: 20 },
    );
    expect(Date.now() - typed).toBeGreaterThanOrEqual(AUDIT_FILTER_DEBOUNCE_MS - 50);
    expect(params(asked[0])).toEqual({ limit: '50', action: 'tool.execute', actor: 'ops-key' });
    asked[0].flush({ items: [], next_cursor: null });
    await settle(fixture);
  });

  it('no match says so and offers to clear the filters', async () => {
    const { fixture, el, control, rows } = await openAudit();
    const server = control<HTMLInputElement>('server');
    server.value = 'nowhere';
    server.dispatchEvent(new Event('input'));
    let req: TestRequest | undefined;
    await vi.waitFor(() => {
      [req] = auditRequests();
      expect(req).toBeDefined();
    });
    expect(params(req!)).toEqual({ limit: '50', server: 'nowhere' });
    req!.flush({ items: [], next_cursor: null });
    await settle(fixture);
    const empty = el.querySelector('[data-testid="audit-empty"]')!;
    expect(empty.textContent).toContain('No entries match');
    el.querySelector<HTMLButtonElement>('[data-testid="audit-empty-clear"]')!.click();
    await settle(fixture);
    const [cleared] = auditRequests();
    expect(params(cleared)).toEqual({ limit: '50' });
    cleared.flush({ items: [entry()], next_cursor: null });
    await settle(fixture);
    expect(rows()).toHaveLength(1);
    expect(control<HTMLInputElement>('server').value).toBe('');
  });

  it('a refused filter is explained beside its control', async () => {
    const { fixture, el, control } = await openAudit();
    const from = control<HTMLInputElement>('from');
    from.value = '2026-03-02T00:00';
    from.dispatchEvent(new Event('change'));
    await settle(fixture);
    const [req] = auditRequests();
    expect(params(req)['from']).toBe(new Date(2026, 2, 2).toISOString());
    req.flush(
      {
        code: 'VALIDATION_FAILED',
        message: 'from: must not be after `to`',
        errors: [{ field: 'from', message: 'must not be after `to`' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(from.closest('label')!.querySelector('.field-error')!.textContent).toContain(
      'must not be after',
    );
    expect(el.querySelectorAll('[data-audit]')).toHaveLength(0);
  });

  it('an answer to an older filter never replaces the newer one', async () => {
    const { fixture, control, rows } = await openAudit();
    const action = control<HTMLSelectElement>('action');
    for (const value of ['server.create', 'server.delete']) {
      action.value = value;
      action.dispatchEvent(new Event('change'));
    }
    await settle(fixture);
    const [first, second] = auditRequests();
    second.flush({ items: [entry({ id: '9', action: 'server.delete' })], next_cursor: null });
    await settle(fixture);
    first.flush({ items: [entry({ id: '8', action: 'server.create' })], next_cursor: null });
    await settle(fixture);
    expect(rows().map((r) => r.dataset['action'])).toEqual(['server.delete']);
  });
});
