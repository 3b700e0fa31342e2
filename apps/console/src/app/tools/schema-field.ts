import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output, signal } from '@angular/core';
import type { JsonSchema } from '@omni2/contracts';
import {
  type Choice,
  enumChoices,
  fieldKind,
  initialValue,
  itemSchema,
  join,
  properties,
  requiredNames,
  unwrapNullable,
} from './json-schema';

/**
 * One node of a form generated from a JSON schema, recursive for objects and arrays. Controlled:
 * it shows `value` and emits the whole new value of its node on every edit.
 */
@Component({
  selector: 'o2-schema-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgTemplateOutlet],
  template: `
    @let k = kind();
    @switch (k) {
      @case ('object') {
        <fieldset class="schema-object" [class.root]="path() === ''">
          @if (path() !== '') {
            <legend>
              {{ caption() }}
              @if (required()) {
                <span class="req" title="required">*</span>
              }
            </legend>
          }
          @if (description(); as d) {
            <p class="help">{{ d }}</p>
          }
          @for (prop of props(); track prop[0]) {
            <o2-schema-field
              [schema]="prop[1]"
              [name]="prop[0]"
              [path]="childPath(prop[0])"
              [required]="requiredSet().has(prop[0])"
              [value]="objectValue()[prop[0]]"
              [errors]="errors()"
              (valueChange)="setProp(prop[0], $event)"
            />
          } @empty {
            @if (path() === '' && emptyNote()) {
              <p class="muted">{{ emptyNote() }}</p>
            }
          }
        </fieldset>
      }
      @case ('array') {
        <fieldset class="schema-array">
          <legend>
            {{ caption() }}
            @if (required()) {
              <span class="req" title="required">*</span>
            }
            <span class="type">list</span>
          </legend>
          @if (description(); as d) {
            <p class="help">{{ d }}</p>
          }
          @for (item of arrayValue(); track $index) {
            <div class="array-item">
              <o2-schema-field
                [schema]="items()"
                [name]="name()"
                [label]="caption() + ' #' + ($index + 1)"
                [path]="childPath('' + $index)"
                [required]="true"
                [value]="item"
                [errors]="errors()"
                (valueChange)="setItem($index, $event)"
              />
              <button
                type="button"
                class="icon-btn"
                [attr.aria-label]="'Remove item ' + ($index + 1)"
                (click)="removeItem($index)"
              >
                ✕
              </button>
            </div>
          }
          <button type="button" class="btn small" (click)="addItem()">+ Add item</button>
          @if (error(); as e) {
            <span class="field-error">{{ e }}</span>
          }
        </fieldset>
      }
      @case ('multi') {
        <fieldset class="schema-multi" [attr.data-field]="path()">
          <legend>
            {{ caption() }}
            @if (required()) {
              <span class="req" title="required">*</span>
            }
            <span class="type">pick any</span>
          </legend>
          @for (choice of itemChoices(); track $index) {
            <label class="inline">
              <input
                type="checkbox"
                [attr.data-option]="$index"
                [checked]="isPicked(choice)"
                [attr.aria-invalid]="error() ? true : null"
                (change)="togglePick(choice, checked($event))"
              />
              {{ choice.label }}
            </label>
          }
          @if (description(); as d) {
            <span class="help">{{ d }}</span>
          }
          @if (defaultText(); as dt) {
            <span class="help">default: {{ dt }}</span>
          }
          @if (error(); as e) {
            <span class="field-error" role="alert">{{ e }}</span>
          }
        </fieldset>
      }
      @default {
        <label class="field" [class.check]="k === 'boolean'">
          <span class="label">
            {{ caption() }}
            @if (required()) {
              <span class="req" title="required">*</span>
            }
            <span class="type">{{ typeLabel() }}</span>
          </span>
          @switch (k) {
            @case ('boolean') {
              <input
                type="checkbox"
                [attr.data-field]="path()"
                [attr.aria-invalid]="error() ? true : null"
                [checked]="value() === true"
                (change)="emit(checked($event))"
              />
            }
            @case ('enum') {
              <select
                [attr.data-field]="path()"
                [attr.aria-required]="required() || null"
                [attr.aria-invalid]="error() ? true : null"
                (change)="pickOption(selectedIndex($event))"
              >
                @if (!required() || value() === undefined) {
                  <option value="-1" [selected]="value() === undefined">(none)</option>
                }
                @for (choice of choices(); track $index) {
                  <option [value]="$index" [selected]="isSelected(choice.value)">
                    {{ choice.label }}
                  </option>
                }
              </select>
            }
            @case ('number') {
              <ng-container *ngTemplateOutlet="numberInput; context: { step: 'any' }" />
            }
            @case ('integer') {
              <ng-container *ngTemplateOutlet="numberInput; context: { step: '1' }" />
            }
            @case ('string') {
              @if (multiline()) {
                <textarea
                  rows="3"
                  [attr.data-field]="path()"
                  [attr.aria-required]="required() || null"
                  [attr.aria-invalid]="error() ? true : null"
                  [value]="value() ?? ''"
                  (input)="emitText(text($event))"
                ></textarea>
              } @else {
                <input
                  [type]="inputType()"
                  [attr.data-field]="path()"
                  [attr.aria-required]="required() || null"
                  [attr.aria-invalid]="error() ? true : null"
                  [attr.minlength]="bound('minLength')"
                  [attr.maxlength]="bound('maxLength')"
                  [value]="value() ?? ''"
                  [attr.placeholder]="placeholder()"
                  (input)="emitText(text($event))"
                />
              }
            }
            @default {
              <textarea
                rows="3"
                class="mono"
                [attr.data-field]="path()"
                [value]="jsonText()"
                placeholder="JSON value"
                (input)="emitJson(text($event))"
              ></textarea>
              @if (jsonError(); as je) {
                <span class="field-error">{{ je }}</span>
              }
            }
          }
          @if (description(); as d) {
            <span class="help">{{ d }}</span>
          }
          @if (defaultText(); as dt) {
            <span class="help">default: {{ dt }}</span>
          }
          @if (error(); as e) {
            <span class="field-error" role="alert">{{ e }}</span>
          }
        </label>
      }
    }
    <ng-template #numberInput let-step="step">
      <input
        type="number"
        [attr.step]="step"
        [attr.data-field]="path()"
        [attr.aria-required]="required() || null"
        [attr.aria-invalid]="error() ? true : null"
        [value]="numberText()"
        [attr.min]="bound('minimum')"
        [attr.max]="bound('maximum')"
        (input)="emitNumber(text($event))"
      />
    </ng-template>
  `,
})
export class SchemaField {
  readonly schema = input.required<JsonSchema>();
  readonly value = input<unknown>(undefined);
  readonly name = input('');
  /** What the field is called on screen; defaults to the schema's `title`, then `name`. */
  readonly label = input<string | null>(null);
  readonly path = input('');
  readonly required = input(false);
  /** Problems by dotted path (client-side checks and the gateway's `errors[]`). */
  readonly errors = input<ReadonlyMap<string, string>>(new Map());
  /** Shown by a root object without properties; empty for none. */
  readonly emptyNote = input('This tool takes no arguments.');
  readonly valueChange = output<unknown>();

  protected readonly jsonError = signal<string | null>(null);
  private readonly resolved = computed(() => unwrapNullable(this.schema()));
  protected readonly kind = computed(() => {
    const kind = fieldKind(this.schema());
    // An object without declared properties is a free-form map: raw JSON.
    return kind === 'object' && properties(this.schema()).length === 0 && this.path() !== ''
      ? 'json'
      : kind;
  });
  protected readonly props = computed(() => properties(this.schema()));
  protected readonly requiredSet = computed(() => new Set(requiredNames(this.schema())));
  protected readonly items = computed(() => itemSchema(this.schema()));
  protected readonly choices = computed(() => enumChoices(this.schema()));
  protected readonly itemChoices = computed(() => enumChoices(this.items()));
  protected readonly caption = computed(() => {
    const title = this.resolved()['title'];
    return this.label() ?? (typeof title === 'string' && title !== '' ? title : this.name());
  });
  protected readonly inputType = computed(() => {
    const types: Record<string, string> = { email: 'email', uri: 'url', date: 'date' };
    const format = this.resolved()['format'];
    return (typeof format === 'string' && types[format]) || 'text';
  });
  protected readonly description = computed(() => {
    const d = this.resolved()['description'];
    return typeof d === 'string' ? d : null;
  });
  protected readonly defaultText = computed(() =>
    'default' in this.resolved() ? JSON.stringify(this.resolved()['default']) : null,
  );
  protected readonly typeLabel = computed(() => {
    const s = this.resolved();
    const format = typeof s['format'] === 'string' ? ` (${s['format']})` : '';
    return this.kind() === 'json' ? 'JSON' : `${this.kind()}${format}`;
  });
  protected readonly placeholder = computed(() => {
    const examples = this.resolved()['examples'];
    return Array.isArray(examples) && examples.length > 0 ? String(examples[0]) : '';
  });
  protected readonly multiline = computed(() => {
    const max = this.resolved()['maxLength'];
    return typeof max === 'number' ? max > 200 : this.resolved()['format'] === 'textarea';
  });
  protected readonly error = computed(() => this.errors().get(this.path()) ?? null);
  protected readonly objectValue = computed(() => {
    const v = this.value();
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  });
  protected readonly arrayValue = computed(() => {
    const v = this.value();
    return Array.isArray(v) ? (v as unknown[]) : [];
  });
  /** What the operator typed, kept while it still means the current value ("1." is 1). */
  private readonly draft = signal<string | null>(null);
  protected readonly numberText = computed(() => {
    const v = this.value();
    const d = this.draft();
    if (d !== null && (d.trim() === '' ? v === undefined : Number(d) === v || v === d)) return d;
    return typeof v === 'number' || typeof v === 'string' ? String(v) : '';
  });
  protected readonly jsonText = computed(() => {
    const v = this.value();
    const d = this.draft();
    // Mid-edit (not JSON yet) or the same value: keep the operator's text and caret.
    if (d !== null && (!parses(d) || sameJson(d, v))) return d;
    return v === undefined ? '' : JSON.stringify(v, null, 2);
  });

  protected bound(key: 'minimum' | 'maximum' | 'minLength' | 'maxLength'): number | null {
    const value = this.resolved()[key];
    return typeof value === 'number' ? value : null;
  }

  protected childPath(name: string): string {
    return join(this.path(), name);
  }

  protected emit(value: unknown): void {
    this.valueChange.emit(value);
  }

  protected setProp(name: string, value: unknown): void {
    const next = { ...this.objectValue() };
    if (value === undefined) delete next[name];
    else next[name] = value;
    this.emit(next);
  }

  protected setItem(index: number, value: unknown): void {
    const next = [...this.arrayValue()];
    next[index] = value;
    this.emit(next);
  }

  protected addItem(): void {
    this.emit([...this.arrayValue(), initialValue(this.items(), true) ?? null]);
  }

  protected removeItem(index: number): void {
    this.emit(this.arrayValue().filter((_, i) => i !== index));
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement | HTMLTextAreaElement).value;
  }

  protected checked(event: Event): boolean {
    return (event.target as HTMLInputElement).checked;
  }

  protected selectedIndex(event: Event): number {
    return Number((event.target as HTMLSelectElement).value);
  }

  protected emitText(text: string): void {
    this.emit(text === '' && !this.required() ? undefined : text);
  }

  protected emitNumber(text: string): void {
    this.draft.set(text);
    if (text.trim() === '') {
      this.emit(undefined);
      return;
    }
    const n = Number(text);
    this.emit(Number.isNaN(n) ? text : n);
  }

  protected emitJson(text: string): void {
    this.draft.set(text);
    if (text.trim() === '') {
      this.jsonError.set(null);
      this.emit(undefined);
      return;
    }
    try {
      this.emit(JSON.parse(text));
      this.jsonError.set(null);
    } catch {
      this.jsonError.set('not valid JSON yet');
    }
  }

  protected pickOption(index: number): void {
    this.emit(index < 0 ? undefined : this.choices()[index]?.value);
  }

  protected isSelected(option: unknown): boolean {
    return JSON.stringify(option) === JSON.stringify(this.value());
  }

  protected isPicked(choice: Choice): boolean {
    const wanted = JSON.stringify(choice.value);
    return this.arrayValue().some((v) => JSON.stringify(v) === wanted);
  }

  /** Checks or unchecks one choice, keeping the schema's order; none picked is absent if optional. */
  protected togglePick(choice: Choice, on: boolean): void {
    const picked = this.itemChoices()
      .filter((c) => (c === choice ? on : this.isPicked(c)))
      .map((c) => c.value);
    this.emit(picked.length === 0 && !this.required() ? undefined : picked);
  }
}

function sameJson(text: string, value: unknown): boolean {
  if (text.trim() === '') return value === undefined;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

function parses(text: string): boolean {
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
