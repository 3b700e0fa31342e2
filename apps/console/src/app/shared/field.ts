import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Renderer2,
  booleanAttribute,
  computed,
  contentChildren,
  effect,
  inject,
  input,
} from '@angular/core';
import { FormField } from '@angular/forms/signals';
import type { FieldError } from '@omni2/contracts';

let nextId = 0;

/**
 * The gateway's messages for one of its fields. `nested` also takes every message about a
 * sub-field (`env.PATH`, `auth_config.headers.X-Key`), each naming that sub-field, for inputs
 * that edit a whole object or list.
 */
export function messagesFor(errors: readonly FieldError[], name: string, nested = false): string[] {
  return errors
    .filter((e) => e.field === name || (nested && e.field.startsWith(`${name}.`)))
    .map((e) => (e.field === name ? e.message : `${e.field.slice(name.length + 1)}: ${e.message}`));
}

/**
 * One labelled field of a form: the label (with a required mark), the projected control(s), an
 * optional hint, and the gateway's 400 messages for the field it is named after.
 *
 * On a `<label>` the control is labelled by nesting, as a plain HTML form would; on a `<div>` it
 * groups several controls (name/value pairs) that carry their own aria-labels. Each projected
 * `[formField]` control is marked `aria-invalid` while the gateway rejects the field, and
 * described by the hint.
 */
@Component({
  selector: 'label[o2-field], div[o2-field]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'field' },
  template: `
    <span class="label"
      >{{ required() ? label() + ' ' : label() }}
      @if (required()) {
        <span class="req">*</span>
      }
    </span>
    <ng-content />
    @if (hint(); as h) {
      <span class="help" [id]="hintId">{{ h }}</span>
    }
    @for (m of messages(); track $index) {
      <span class="field-error">{{ m }}</span>
    }
  `,
})
export class Field {
  readonly label = input.required<string>();
  readonly required = input(false, { transform: booleanAttribute });
  readonly hint = input<string | null>(null);
  /** The gateway's name for this field (`url`, `auth_config.token`): whose messages show here. */
  readonly name = input<string | null>(null);
  readonly nested = input(false, { transform: booleanAttribute });
  /** Every field error of the gateway's last answer; this field shows its own. */
  readonly errors = input<readonly FieldError[]>([]);

  protected readonly hintId = `o2-field-hint-${nextId++}`;
  protected readonly messages = computed(() => {
    const name = this.name();
    return name === null ? [] : messagesFor(this.errors(), name, this.nested());
  });
  private readonly controls = contentChildren(FormField, { descendants: true, read: ElementRef });

  constructor() {
    const renderer = inject(Renderer2);
    effect(() => {
      const invalid = this.messages().length > 0;
      const hinted = this.hint() !== null;
      for (const { nativeElement } of this.controls()) {
        const el = nativeElement as HTMLElement;
        if (invalid) renderer.setAttribute(el, 'aria-invalid', 'true');
        else renderer.removeAttribute(el, 'aria-invalid');
        // Without a hint, a description the control got elsewhere is left in place.
        if (hinted) renderer.setAttribute(el, 'aria-describedby', this.hintId);
        else if (el.getAttribute('aria-describedby') === this.hintId) {
          renderer.removeAttribute(el, 'aria-describedby');
        }
      }
    });
  }
}
