import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { form, FormField } from '@angular/forms/signals';
import type { FieldError } from '@omni2/contracts';
import { Field, messagesFor } from './field';

/** One labelled input, one group of pairs, and a hinted input, all fed the same errors. */
@Component({
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Field, FormField],
  template: `
    <label o2-field label="URL" required name="url" [errors]="errors()">
      <input data-field="url" [formField]="f.url" />
    </label>
    <div o2-field label="Environment" name="env" nested [errors]="errors()">
      @for (p of f.env; track $index) {
        <input [attr.aria-label]="'Variable ' + ($index + 1) + ' name'" [formField]="p.name" />
      }
    </div>
    <label o2-field label="Timeout" [hint]="hint()" name="timeout_seconds" [errors]="errors()">
      <input data-field="timeout_seconds" [formField]="f.timeout" />
    </label>
  `,
})
class Host {
  readonly model = signal({ url: '', timeout: '30', env: [{ name: 'A' }, { name: 'B' }] });
  readonly f = form(this.model);
  readonly errors = signal<readonly FieldError[]>([]);
  readonly hint = signal<string | null>('From 1 to 3600');
}

describe('Field', () => {
  async function render() {
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const host = fixture.componentInstance;
    const field = (control: string) => el.querySelector(`[data-field="${control}"]`)!;
    const errorsOf = (control: string) =>
      Array.from(field(control).parentElement!.querySelectorAll('.field-error')).map(
        (e) => e.textContent,
      );
    const setErrors = async (errors: FieldError[]) => {
      host.errors.set(errors);
      await fixture.whenStable();
    };
    return { fixture, el, host, field, errorsOf, setErrors };
  }

  it('labels its control by nesting it, with the required mark in the label', async () => {
    const { el, field } = await render();
    const label = field('url').closest('label')!;
    expect(label.classList).toContain('field');
    expect(label.querySelector('.label')!.textContent.replace(/\s+/g, ' ').trim()).toBe('URL *');
    expect(label.querySelector('.req')?.textContent).toBe('*');
    // Not required: no mark.
    expect(field('timeout_seconds').closest('label')!.querySelector('.req')).toBeNull();
    expect(el.querySelector('div.field .label')!.textContent.trim()).toBe('Environment');
  });

  it('shows the gateway’s messages for its own field beside the control, and marks it invalid', async () => {
    const { field, errorsOf, setErrors } = await render();
    expect(errorsOf('url')).toEqual([]);
    expect(field('url').hasAttribute('aria-invalid')).toBe(false);
    await setErrors([
      { field: 'url', message: 'is required' },
      { field: 'urls', message: 'a different field' },
      { field: 'timeout_seconds', message: 'must be at least 1' },
    ]);
    expect(errorsOf('url')).toEqual(['is required']);
    expect(errorsOf('timeout_seconds')).toEqual(['must be at least 1']);
    expect(field('url').getAttribute('aria-invalid')).toBe('true');
    await setErrors([]);
    expect(errorsOf('url')).toEqual([]);
    expect(field('url').hasAttribute('aria-invalid')).toBe(false);
  });

  it('gathers a nested field’s messages, each naming its sub-field, and marks every control', async () => {
    const { el, setErrors } = await render();
    const group = el.querySelector('div.field')!;
    await setErrors([
      { field: 'env', message: 'too many variables' },
      { field: 'env.PATH', message: 'may not be set' },
      { field: 'environment', message: 'not this one' },
    ]);
    expect(Array.from(group.querySelectorAll('.field-error')).map((e) => e.textContent)).toEqual([
      'too many variables',
      'PATH: may not be set',
    ]);
    const inputs = Array.from(group.querySelectorAll('input'));
    expect(inputs).toHaveLength(2);
    expect(inputs.map((i) => i.getAttribute('aria-invalid'))).toEqual(['true', 'true']);
  });

  it('shows the hint and describes the control by it, until the hint goes', async () => {
    const { fixture, host, field } = await render();
    const input = field('timeout_seconds');
    const hintId = input.getAttribute('aria-describedby')!;
    expect(hintId).toBeTruthy();
    expect(input.parentElement!.querySelector(`#${hintId}`)!.textContent).toBe('From 1 to 3600');
    // A control without a hint has no description from the field.
    expect(field('url').hasAttribute('aria-describedby')).toBe(false);
    host.hint.set(null);
    await fixture.whenStable();
    expect(input.hasAttribute('aria-describedby')).toBe(false);
    expect(input.parentElement!.querySelector('.help')).toBeNull();
  });

  it('edits the model through the projected control', async () => {
    const { fixture, host, field } = await render();
    const input = field('url') as HTMLInputElement;
    input.value = 'http://127.0.0.1:9/mcp';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(host.model().url).toBe('http://127.0.0.1:9/mcp');
  });
});

describe('messagesFor', () => {
  const errors: FieldError[] = [
    { field: 'auth_config', message: 'is required' },
    { field: 'auth_config.headers.X-Key', message: 'must not be empty' },
    { field: 'auth_configs', message: 'unrelated' },
  ];

  it('takes exactly the named field unless asked for what is under it', () => {
    expect(messagesFor(errors, 'auth_config')).toEqual(['is required']);
    expect(messagesFor(errors, 'auth_config', true)).toEqual([
      'is required',
      'headers.X-Key: must not be empty',
    ]);
    expect(messagesFor(errors, 'url')).toEqual([]);
  });
});
