import { TestBed } from '@angular/core/testing';
import { SchemaField } from './schema-field';

describe('SchemaField', () => {
  const schema = {
    type: 'object',
    required: ['name', 'count'],
    properties: {
      name: { type: 'string', description: 'Who to greet' },
      count: { type: 'integer', default: 1 },
      loud: { type: 'boolean' },
      mode: { enum: ['a', 'b'] },
      tags: { type: 'array', items: { type: 'string' } },
      nested: { type: 'object', properties: { deep: { type: 'number' } } },
    },
  };

  async function render(value: unknown, errors = new Map<string, string>()) {
    const fixture = TestBed.createComponent(SchemaField);
    fixture.componentRef.setInput('schema', schema);
    fixture.componentRef.setInput('value', value);
    fixture.componentRef.setInput('errors', errors);
    const emitted: unknown[] = [];
    fixture.componentInstance.valueChange.subscribe((v) => emitted.push(v));
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement, emitted };
  }

  it('renders one editor per property with required markers, help and defaults', async () => {
    const { el } = await render({ count: 1 });
    expect(el.querySelector('input[data-field="name"]')).not.toBeNull();
    expect(el.querySelector('input[data-field="count"]')?.getAttribute('step')).toBe('1');
    expect(el.querySelector('input[data-field="loud"]')?.getAttribute('type')).toBe('checkbox');
    expect(el.querySelectorAll('select[data-field="mode"] option')).toHaveLength(3);
    expect(el.querySelector('input[data-field="nested.deep"]')).not.toBeNull();
    expect(el.querySelectorAll('.req').length).toBe(2);
    expect(el.textContent).toContain('Who to greet');
    expect(el.textContent).toContain('default: 1');
  });

  it('emits the whole new value of the node on each edit', async () => {
    const { el, emitted } = await render({ count: 1 });
    const name = el.querySelector<HTMLInputElement>('input[data-field="name"]')!;
    name.value = 'Ada';
    name.dispatchEvent(new Event('input'));
    expect(emitted.at(-1)).toEqual({ count: 1, name: 'Ada' });
    const count = el.querySelector<HTMLInputElement>('input[data-field="count"]')!;
    count.value = '7';
    count.dispatchEvent(new Event('input'));
    expect(emitted.at(-1)).toEqual({ count: 7 });
    const deep = el.querySelector<HTMLInputElement>('input[data-field="nested.deep"]')!;
    deep.value = '2.5';
    deep.dispatchEvent(new Event('input'));
    expect(emitted.at(-1)).toEqual({ count: 1, nested: { deep: 2.5 } });
  });

  it('adds array items and shows errors under the field they name', async () => {
    const { el, emitted } = await render({ count: 1 }, new Map([['name', 'is required']]));
    const add = [...el.querySelectorAll('button')].find((b) =>
      b.textContent?.includes('Add item'),
    )!;
    add.click();
    expect(emitted.at(-1)).toEqual({ count: 1, tags: [null] });
    expect(el.querySelector('.field-error')?.textContent).toContain('is required');
  });

  it('labels fields by title, shows titled options and edits a multi-select as checkboxes', async () => {
    const fixture = TestBed.createComponent(SchemaField);
    fixture.componentRef.setInput('schema', {
      type: 'object',
      properties: {
        size: {
          type: 'string',
          title: 'Size',
          oneOf: [
            { const: 's', title: 'Small' },
            { const: 'l', title: 'Large' },
          ],
        },
        picks: {
          type: 'array',
          title: 'Toppings',
          items: { type: 'string', enum: ['ch', 'mu'], enumNames: ['Cheese', 'Mushroom'] },
        },
      },
    });
    fixture.componentRef.setInput('value', { picks: ['mu'] });
    const emitted: unknown[] = [];
    fixture.componentInstance.valueChange.subscribe((v) => emitted.push(v));
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('select[data-field="size"]')!.closest('label')!.textContent).toContain(
      'Size',
    );
    const size = el.querySelector<HTMLSelectElement>('select[data-field="size"]')!;
    expect([...size.options].map((o) => o.textContent?.trim())).toEqual([
      '(none)',
      'Small',
      'Large',
    ]);
    size.value = '1';
    size.dispatchEvent(new Event('change'));
    expect(emitted.at(-1)).toEqual({ picks: ['mu'], size: 'l' });
    const boxes = el.querySelectorAll<HTMLInputElement>('[data-field="picks"] input');
    expect(el.querySelector('[data-field="picks"] legend')?.textContent).toContain('Toppings');
    expect([...boxes].map((b) => b.checked)).toEqual([false, true]);
    boxes[0].click();
    expect(emitted.at(-1)).toEqual({ picks: ['ch', 'mu'] });
    // The value is controlled (still ['mu']): unchecking it leaves nothing picked, and an
    // optional multi-select with nothing picked is left out.
    boxes[1].click();
    expect(emitted.at(-1)).toEqual({});
  });
});
