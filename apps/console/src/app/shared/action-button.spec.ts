import { TestBed } from '@angular/core/testing';
import { ActionButton } from './action-button';

describe('ActionButton', () => {
  async function render(enabled: boolean, busy = false) {
    const fixture = TestBed.createComponent(ActionButton);
    fixture.componentRef.setInput('action', 'check');
    fixture.componentRef.setInput('label', 'Check now');
    fixture.componentRef.setInput('icon', 'check');
    fixture.componentRef.setInput('availability', {
      enabled,
      reason: enabled ? 'Run a health check now' : 'Needs the operator role (you are viewer)',
    });
    fixture.componentRef.setInput('busy', busy);
    let pressed = 0;
    fixture.componentInstance.pressed.subscribe(() => pressed++);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    return { el, button: el.querySelector('button')!, pressed: () => pressed };
  }

  it('is disabled with the reason as tooltip on its wrapper', async () => {
    const { el, button } = await render(false);
    expect(button.disabled).toBe(true);
    expect(el.querySelector('.action-wrap')?.getAttribute('title')).toBe(
      'Needs the operator role (you are viewer)',
    );
    expect(button.getAttribute('aria-label')).toBe('Check now');
  });

  it('emits when pressed, and shows a spinner while busy', async () => {
    const enabled = await render(true);
    enabled.button.click();
    expect(enabled.pressed()).toBe(1);
    const busy = await render(true, true);
    expect(busy.button.disabled).toBe(true);
    expect(busy.el.querySelector('.spinner')).not.toBeNull();
  });
});
