import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { TOKEN_STORAGE } from '../core/session.service';
import { settle, testProviders } from '../core/testing';
import { LoginPage } from './login.page';

class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

describe('LoginPage', () => {
  let http: HttpTestingController;
  let storage: MemoryStorage;

  beforeEach(() => {
    storage = new MemoryStorage();
    TestBed.configureTestingModule({
      providers: testProviders({ provide: TOKEN_STORAGE, useValue: storage }),
    });
    http = TestBed.inject(HttpTestingController);
  });

  async function submit(fixture: ReturnType<typeof TestBed.createComponent<LoginPage>>) {
    const el = fixture.nativeElement as HTMLElement;
    for (const [name, value] of [
      ['username', 'admin'],
      ['password', 'correct horse battery'],
    ]) {
      const input = el.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    await fixture.whenStable();
    el.querySelector('form')!.dispatchEvent(new Event('submit'));
  }

  it('signs in, keeps the token and goes to the return URL', async () => {
    const fixture = TestBed.createComponent(LoginPage);
    fixture.componentRef.setInput('returnUrl', '/servers');
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    await fixture.whenStable();
    await submit(fixture);
    const login = http.expectOne('/api/v1/auth/login');
    expect(login.request.body).toEqual({ username: 'admin', password: 'correct horse battery' });
    login.flush({ access_token: 'jwt', token_type: 'Bearer', expires_in: 3600 });
    await settle(fixture);
    const me = http.expectOne('/api/v1/auth/me');
    expect(me.request.headers.get('Authorization')).toBe('Bearer jwt');
    me.flush({ id: 'u1', name: 'admin', role: 'admin', kind: 'user', expires_at: null });
    await settle(fixture);
    expect(storage.getItem('omni2.token')).toBe('jwt');
    expect(navigate).toHaveBeenCalledWith('/servers');
  });

  it('explains a wrong password and a rate limit by their codes', async () => {
    const fixture = TestBed.createComponent(LoginPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    await submit(fixture);
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { statusCode: 401, code: 'UNAUTHENTICATED', message: 'x' },
        { status: 401, statusText: 'x' },
      );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="login-error"]')?.textContent).toContain(
      'Wrong username or password',
    );

    await submit(fixture);
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { statusCode: 429, code: 'RATE_LIMITED', message: 'x' },
        { status: 429, statusText: 'x', headers: { 'Retry-After': '30' } },
      );
    await settle(fixture);
    expect(el.querySelector('[data-testid="login-error"]')?.textContent).toContain(
      'try again in 30 s',
    );
  });
});
