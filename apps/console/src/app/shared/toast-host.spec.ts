import { TestBed } from '@angular/core/testing';
import { testProviders } from '../core/testing';
import { Toasts } from '../core/toasts.service';
import { ToastHost } from './toast-host';

describe('ToastHost', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
  });

  afterEach(() => vi.useRealTimers());

  it('opens an outside link in a new tab, and keeps that toast longer than the others', async () => {
    const toasts = TestBed.inject(Toasts);
    const fixture = TestBed.createComponent(ToastHost);
    await fixture.whenStable();
    vi.useFakeTimers();
    toasts.show('info', 'plain');
    toasts.show('warning', 'blocked', null, 'https://auth.example/authorize?state=1');
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const link = el.querySelector<HTMLAnchorElement>('[data-testid="toast-href"]')!;
    expect(link.getAttribute('href')).toBe('https://auth.example/authorize?state=1');
    expect(link.target).toBe('_blank');
    expect(link.rel).toBe('noopener noreferrer');
    expect(el.querySelectorAll('[data-testid="toast-href"]')).toHaveLength(1);

    vi.advanceTimersByTime(6_000);
    expect(toasts.list().map((t) => t.text)).toEqual(['blocked']);
    vi.advanceTimersByTime(24_000);
    expect(toasts.list()).toEqual([]);
  });
});
