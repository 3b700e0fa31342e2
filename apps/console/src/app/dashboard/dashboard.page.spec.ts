import { TestBed } from '@angular/core/testing';
import { ServersStore } from '../core/servers.store';
import { serverView, signInAs, testProviders } from '../core/testing';
import { DashboardPage, needsAttention } from './dashboard.page';

describe('DashboardPage and servers waiting for authorization', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    signInAs('viewer');
  });

  /** The page over servers the list already holds (its own loads wait on HTTP, unanswered). */
  async function render() {
    const store = TestBed.inject(ServersStore);
    store.upsert(serverView({ id: 'a', name: 'up' }));
    store.upsert(
      serverView({ id: 'b', name: 'down', health_status: 'circuit_open', circuit_state: 'open' }),
    );
    store.upsert(
      serverView({
        id: 'c',
        name: 'linear',
        auth_type: 'oauth',
        oauth_grant: 'authorization_code',
        health_status: 'auth_required',
        last_error_kind: 'auth',
        consecutive_failures: 1,
      }),
    );
    const fixture = TestBed.createComponent(DashboardPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const count = (id: string) =>
      el.querySelector(`[data-testid="stat-${id}"] .stat-n`)?.textContent?.trim();
    return { el, count };
  }

  it('counts them on their own, not as down nor failing', async () => {
    const { count } = await render();
    expect(count('auth_required')).toBe('1');
    expect(count('circuit_open')).toBe('1');
    expect(count('healthy')).toBe('1');
    expect(count('failing')).toBe('0');
  });

  it('lists them as needing attention, with their badge and no failing mark', async () => {
    const { el } = await render();
    const item = [...el.querySelectorAll('[data-testid="attention"] li')].find((li) =>
      li.textContent?.includes('linear'),
    )!;
    expect(item).toBeDefined();
    expect(item.querySelector('[data-status="auth_required"]')).not.toBeNull();
    expect(item.querySelector('[data-testid="suspect"]')).toBeNull();
    expect(item.textContent).toContain('waits for an operator to authorize it');
  });

  it('needsAttention takes a server waiting for authorization, not a healthy one', () => {
    expect(needsAttention(serverView({ health_status: 'auth_required' }))).toBe(true);
    expect(needsAttention(serverView())).toBe(false);
  });
});
