import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { serverView, settle, testProviders, signInAs } from '../core/testing';
import { ServerDialog } from './server-dialog';

describe('ServerDialog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: testProviders(),
    });
    http = TestBed.inject(HttpTestingController);
    signInAs('admin');
  });

  it('shows the gateway’s field errors under the fields they name', async () => {
    const fixture = TestBed.createComponent(ServerDialog);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const name = el.querySelector<HTMLInputElement>('[data-field="name"]')!;
    name.value = 'Bad Name';
    name.dispatchEvent(new Event('input'));
    el.querySelector<HTMLButtonElement>('[data-testid="save-server"]')!.click();
    const req = http.expectOne('/api/v1/mcp/servers');
    expect(req.request.body).toMatchObject({
      name: 'Bad Name',
      protocol: 'streamable_http',
      url: '',
    });
    req.flush(
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'invalid',
        errors: [
          { field: 'name', message: 'must be 1-63 characters of lowercase letters' },
          { field: 'url', message: 'is required when protocol is streamable_http' },
        ],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    const errorUnder = (field: string) =>
      el.querySelector(`[data-field="${field}"]`)?.parentElement?.querySelector('.field-error')
        ?.textContent;
    expect(errorUnder('name')).toContain('lowercase');
    expect(errorUnder('url')).toContain('is required');
    expect(el.querySelector('[data-testid="dialog-error"]')?.textContent).toContain(
      'fix the marked fields',
    );
  });

  it('shows stored credentials as stored, never their value', async () => {
    const fixture = TestBed.createComponent(ServerDialog);
    fixture.componentRef.setInput(
      'original',
      serverView({ auth_type: 'bearer', auth_config: '***' }),
    );
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="auth-stored"]')?.textContent).toContain('Stored');
    expect(el.querySelector('[data-field="auth_config.token"]')).toBeNull();
    expect(el.innerHTML).not.toContain('***');
  });

  it('is read-only for a non-admin', async () => {
    signInAs('operator');
    const fixture = TestBed.createComponent(ServerDialog);
    fixture.componentRef.setInput('original', serverView());
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector<HTMLInputElement>('[data-field="name"]')!.disabled).toBe(true);
    expect(el.querySelector<HTMLButtonElement>('[data-testid="save-server"]')!.disabled).toBe(true);
  });
});
