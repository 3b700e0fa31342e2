import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ConfirmDialog } from './confirm-dialog';
import { Modal } from './modal';

/** A page with an opener button, a form modal, a confirmation and a modal inside a modal. */
@Component({
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal, ConfirmDialog],
  template: `
    <button type="button" id="opener">Open</button>
    @if (form()) {
      <o2-modal heading="Edit" [detached]="detached()" (closed)="form.set(false)">
        <button type="button" id="tab">A tab, not a field</button>
        <input id="disabled-field" disabled />
        <input id="first-field" />
        <select id="second-field"></select>
        @if (inner()) {
          <o2-modal heading="Inner" (closed)="inner.set(false)">
            <input id="inner-field" />
          </o2-modal>
        }
        <div footer><button type="button" id="save">Save</button></div>
      </o2-modal>
    }
    @if (confirm()) {
      <o2-confirm
        heading="Delete"
        message="Delete it? This cannot be undone."
        confirmLabel="Delete"
        [danger]="true"
        (cancelled)="confirm.set(false)"
        (confirmed)="confirm.set(false)"
      />
    }
  `,
})
class Host {
  readonly form = signal(false);
  readonly inner = signal(false);
  readonly confirm = signal(false);
  readonly detached = signal(false);
}

describe('Modal (keyboard and screen readers)', () => {
  beforeEach(() => {
    // jsdom lays nothing out; the CDK's interactivity checker wants elements with a size.
    vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(100);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function render() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const opener = el.querySelector<HTMLButtonElement>('#opener')!;
    const open = async (what: 'form' | 'inner' | 'confirm') => {
      fixture.componentInstance[what].set(true);
      await fixture.whenStable();
    };
    const active = () => document.activeElement as HTMLElement | null;
    const escape = async () => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await fixture.whenStable();
    };
    return { fixture, el, opener, open, active, escape, host: fixture.componentInstance };
  }

  it('is a labelled modal dialog that starts on its first enabled field, not on ✕', async () => {
    const { el, opener, open, active } = await render();
    opener.focus();
    await open('form');
    const dialog = el.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const heading = document.getElementById(dialog.getAttribute('aria-labelledby')!);
    expect(heading?.textContent).toBe('Edit');
    expect(active()?.id).toBe('first-field');
  });

  it('starts a confirmation on its first button (Cancel), described by its message', async () => {
    const { el, opener, open, active } = await render();
    opener.focus();
    await open('confirm');
    const dialog = el.querySelector('[role="alertdialog"]')!;
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Delete it? This cannot be undone.',
    );
    expect(active()?.textContent?.trim()).toBe('Cancel');
  });

  it('keeps Tab inside: past the last element to the first, before the first to the last', async () => {
    const { el, opener, open, active } = await render();
    opener.focus();
    await open('form');
    // The CDK trap's anchors sit around the panel; Tab off either end lands on one of them.
    const section = el.querySelector<HTMLElement>('section.modal')!;
    const before = section.previousElementSibling as HTMLElement;
    const after = section.nextElementSibling as HTMLElement;
    expect(before.classList).toContain('cdk-focus-trap-anchor');
    expect(after.classList).toContain('cdk-focus-trap-anchor');
    after.focus();
    expect(active()?.getAttribute('aria-label')).toBe('Close');
    before.focus();
    expect(active()?.id).toBe('save');
  });

  it('gives focus back to the element that opened it, on Escape or ✕', async () => {
    const { fixture, el, opener, open, active, escape, host } = await render();
    opener.focus();
    await open('form');
    expect(active()).not.toBe(opener);
    await escape();
    expect(host.form()).toBe(false);
    expect(active()).toBe(opener);

    opener.focus();
    await open('confirm');
    el.querySelector<HTMLButtonElement>('[role="alertdialog"] [aria-label="Close"]')!.click();
    await fixture.whenStable();
    expect(host.confirm()).toBe(false);
    expect(active()).toBe(opener);
  });

  it('closes only the innermost modal on Escape', async () => {
    const { open, active, escape, host } = await render();
    await open('form');
    await open('inner');
    expect(active()?.id).toBe('inner-field');
    await escape();
    expect(host.inner()).toBe(false);
    expect(host.form()).toBe(true);
    await escape();
    expect(host.form()).toBe(false);
  });

  it('moves a detached modal to the end of <body> and removes it on close', async () => {
    const { el, opener, open, active, escape, host } = await render();
    host.detached.set(true);
    opener.focus();
    await open('form');
    const modal = document.body.lastElementChild!;
    expect(modal.tagName.toLowerCase()).toBe('o2-modal');
    expect(el.querySelector('o2-modal')).toBeNull();
    expect(active()?.id).toBe('first-field');
    await escape();
    expect(modal.isConnected).toBe(false);
    expect(document.querySelector('o2-modal')).toBeNull();
    expect(active()).toBe(opener);
  });
});
