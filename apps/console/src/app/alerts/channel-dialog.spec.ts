import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AlertChannelView } from '@omni2/contracts';
import { flushValidationFailed, settle, signInAs, testProviders } from '../core/testing';
import { ChannelDialog } from './channel-dialog';

const STORED: AlertChannelView = {
  id: 'c1',
  name: 'ops',
  kind: 'webhook',
  config: { url: 'https://hooks.example.com/x', secret: '***', headers: { 'X-Team': '***' } },
  enabled: true,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

describe('ChannelDialog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  afterEach(() => http.verify());

  async function open(original: AlertChannelView | null = null) {
    const fixture = TestBed.createComponent(ChannelDialog);
    fixture.componentRef.setInput('original', original);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const field = <T extends HTMLElement = HTMLInputElement>(name: string) =>
      el.querySelector<T>(`[data-field="${name}"]`);
    const type = (name: string, value: string) => {
      const input = field<HTMLInputElement | HTMLTextAreaElement>(name)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const choose = async (name: string, value: string) => {
      const select = field<HTMLSelectElement>(name)!;
      select.value = value;
      // What a browser fires: input, then change as well for a select.
      select.dispatchEvent(new Event('input'));
      select.dispatchEvent(new Event('change'));
      await fixture.whenStable();
    };
    const save = () => el.querySelector<HTMLButtonElement>('[data-testid="save-channel"]')!.click();
    return { fixture, el, field, type, choose, save };
  }

  it('shows the fields of the chosen kind', async () => {
    const { field, choose } = await open();
    expect(field('config.url')).not.toBeNull();
    expect(field('config.secret')).not.toBeNull();
    await choose('kind', 'slack');
    expect(field('config.url')).not.toBeNull();
    expect(field('config.secret')).toBeNull();
    await choose('kind', 'email');
    expect(field('config.url')).toBeNull();
    for (const name of ['host', 'port', 'security', 'username', 'password', 'from', 'to']) {
      expect(field(`config.${name}`)).not.toBeNull();
    }
  });

  it('sends an email channel and shows the 400’s messages under the fields they name', async () => {
    const { fixture, el, type, choose, save, field } = await open();
    type('name', 'mail');
    await choose('kind', 'email');
    type('config.host', 'smtp.example.com');
    type('config.from', 'not-an-address');
    type('config.to', 'ops@example.com\noncall@example.com');
    save();
    const req = http.expectOne('/api/v1/alerts/channels');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({
      name: 'mail',
      kind: 'email',
      enabled: true,
      config: {
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        from: 'not-an-address',
        to: ['ops@example.com', 'oncall@example.com'],
      },
    });
    flushValidationFailed(req, [
      { field: 'config.from', message: 'must be an email address' },
      { field: 'config.to.1', message: 'must be an email address' },
    ]);
    await settle(fixture);
    const errorsUnder = (name: string) =>
      [...(field(name)!.closest('.field')?.querySelectorAll('.field-error') ?? [])].map((e) =>
        e.textContent?.trim(),
      );
    expect(errorsUnder('config.from')).toEqual(['must be an email address']);
    expect(errorsUnder('config.to')).toEqual(['1: must be an email address']);
    expect(field('config.from')!.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector('[data-testid="dialog-error"]')?.textContent).toContain(
      'Please fix the marked fields.',
    );
  });

  it('edits a webhook keeping its stored secret and header values ("***")', async () => {
    const { fixture, type, save, field } = await open(STORED);
    expect(field('kind')!.querySelectorAll('option').length).toBe(1);
    expect(field('config.secret')!.value).toBe('***');
    type('name', 'ops-2');
    let saved: AlertChannelView | null = null;
    fixture.componentInstance.saved.subscribe((v) => (saved = v));
    save();
    const req = http.expectOne('/api/v1/alerts/channels/c1');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({
      name: 'ops-2',
      enabled: true,
      config: { url: 'https://hooks.example.com/x', secret: '***', headers: { 'X-Team': '***' } },
    });
    req.flush({ ...STORED, name: 'ops-2' });
    await settle(fixture);
    expect(saved).toMatchObject({ name: 'ops-2' });
  });

  it('is read only without the admin role', async () => {
    signInAs('operator');
    const { el, field } = await open(STORED);
    expect(el.textContent).toContain('Read only: Needs the admin role (you are operator)');
    expect(field('name')!.disabled).toBe(true);
    expect(el.querySelector<HTMLButtonElement>('[data-testid="save-channel"]')!.disabled).toBe(
      true,
    );
  });
});
