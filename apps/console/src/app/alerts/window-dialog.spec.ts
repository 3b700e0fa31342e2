import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { MaintenanceWindowView } from '@omni2/contracts';
import {
  flushValidationFailed,
  settle,
  signInAs,
  testProviders,
  windowView,
} from '../core/testing';
import { toLocalInput } from './alert-forms';
import { WindowDialog } from './window-dialog';

describe('WindowDialog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('operator');
  });

  afterEach(() => http.verify());

  async function open(original: MaintenanceWindowView | null = null) {
    const fixture = TestBed.createComponent(WindowDialog);
    fixture.componentRef.setInput('original', original);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const field = (name: string) => el.querySelector<HTMLInputElement>(`[data-field="${name}"]`);
    const type = async (name: string, value: string) => {
      const input = field(name)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const save = () => el.querySelector<HTMLButtonElement>('[data-testid="save-window"]')!.click();
    return { fixture, el, field, type, save };
  }

  it('lets an operator add a one-off window from local start and end times', async () => {
    const { fixture, type, save, field } = await open();
    expect(field('recurrence')).toBeNull();
    await type('name', 'db upgrade');
    await type('starts_at', toLocalInput('2026-07-01T20:00:00.000Z'));
    await type('ends_at', toLocalInput('2026-07-01T22:00:00.000Z'));
    let saved: MaintenanceWindowView | null = null;
    fixture.componentInstance.saved.subscribe((w) => (saved = w));
    save();
    const req = http.expectOne('/api/v1/maintenance-windows');
    expect(req.request.body).toEqual({
      name: 'db upgrade',
      starts_at: '2026-07-01T20:00:00.000Z',
      ends_at: '2026-07-01T22:00:00.000Z',
      recurrence: null,
      duration_seconds: null,
      server_scope: 'all',
      server_ids: [],
      name_pattern: null,
    });
    req.flush(windowView({ name: 'db upgrade' }));
    await settle(fixture);
    expect(saved).toMatchObject({ name: 'db upgrade' });
  });

  it('edits a recurring window: cron in UTC, duration in minutes, 400s under the fields', async () => {
    const stored = windowView({
      recurrence: '0 2 * * 0',
      duration_seconds: 3600,
      ends_at: null,
    });
    const { fixture, el, field, type, save } = await open(stored);
    expect(field('recurring')!.checked).toBe(true);
    expect(field('recurrence')!.value).toBe('0 2 * * 0');
    expect(el.textContent).toContain('every Sunday at 02:00 UTC');
    expect(field('duration_seconds')!.value).toBe('60');
    await type('recurrence', '0 25 * * *');
    await type('duration_seconds', '90');
    save();
    const req = http.expectOne('/api/v1/maintenance-windows/w1');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toMatchObject({
      recurrence: '0 25 * * *',
      duration_seconds: 5400,
      ends_at: null,
    });
    flushValidationFailed(req, [{ field: 'recurrence', message: 'is not a cron expression' }]);
    await settle(fixture);
    expect(
      field('recurrence')!.closest('.field')?.querySelector('.field-error')?.textContent,
    ).toContain('is not a cron expression');
  });

  it('is read only for a viewer', async () => {
    signInAs('viewer');
    const { el, field } = await open(windowView());
    expect(el.textContent).toContain('Needs the operator role (you are viewer)');
    expect(field('name')!.disabled).toBe(true);
    expect(el.querySelector<HTMLInputElement>('[data-scope="all"]')!.disabled).toBe(true);
  });
});
