import { TestBed } from '@angular/core/testing';
import { HEALTH_STATUS_MEANING, type HealthStatus, type Suspicion } from '@omni2/contracts';
import { StatusBadge } from './status-badge';

describe('StatusBadge', () => {
  async function render(status: HealthStatus, suspicion: Suspicion | null = null) {
    const fixture = TestBed.createComponent(StatusBadge);
    fixture.componentRef.setInput('status', status);
    fixture.componentRef.setInput('suspicion', suspicion);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    return el.querySelector<HTMLElement>('[data-status]')!;
  }

  it('shows authorization needed in its own style, with a key and the meaning as tooltip', async () => {
    const badge = await render('auth_required');
    expect(badge.textContent?.trim()).toBe('authorization needed');
    expect(badge.classList).toContain('status-auth_required');
    expect(badge.classList).not.toContain('status-circuit_open');
    expect(badge.querySelector('.icon.icon-key')).not.toBeNull();
    expect(badge.querySelector('.dot')).toBeNull();
    expect(badge.getAttribute('title')).toBe(HEALTH_STATUS_MEANING.auth_required);
  });

  it('keeps the dot for the other statuses', async () => {
    const badge = await render('circuit_open');
    expect(badge.textContent?.trim()).toBe('circuit open');
    expect(badge.querySelector('.dot')).not.toBeNull();
    expect(badge.querySelector('.icon-key')).toBeNull();
  });
});
