import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { globMatches, type FieldError, type ServerScopeKind } from '@omni2/contracts';
import { ServersStore } from '../core/servers.store';
import { Field } from '../shared/field';
import { toggled, type ScopeForm } from './alert-forms';

let nextId = 0;

/**
 * Which servers a rule or window covers: all, the servers ticked from the servers list, or a
 * name pattern. Emits the whole scope on every change; shows the gateway's messages for
 * `server_scope`, `server_ids` and `name_pattern`.
 */
@Component({
  selector: 'o2-scope-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Field],
  host: { class: 'span2' },
  template: `
    <fieldset class="scope" data-testid="scope">
      <legend class="label">Servers</legend>
      <div class="scope-kinds" role="radiogroup" aria-label="Which servers">
        @for (k of kinds; track k.value) {
          <label class="inline">
            <input
              type="radio"
              [name]="groupName"
              [value]="k.value"
              [checked]="value().scope === k.value"
              [attr.data-scope]="k.value"
              [disabled]="readonly()"
              (change)="set({ scope: k.value })"
            />
            {{ k.label }}
          </label>
        }
      </div>
      @switch (value().scope) {
        @case ('list') {
          <div o2-field label="Chosen servers" required name="server_ids" [errors]="errors()">
            <div class="check-list" data-testid="scope-servers">
              @for (s of servers(); track s.id) {
                <label class="inline">
                  <input
                    type="checkbox"
                    [checked]="value().serverIds.includes(s.id)"
                    [attr.data-server-id]="s.id"
                    [disabled]="readonly()"
                    (change)="toggleServer(s.id, $any($event.target).checked)"
                  />
                  {{ s.name }}
                </label>
              } @empty {
                <span class="muted">No servers registered.</span>
              }
            </div>
          </div>
        }
        @case ('pattern') {
          <label
            o2-field
            label="Name pattern"
            required
            name="name_pattern"
            hint="* matches any run of characters, ? one character (e.g. web-*)"
            [errors]="errors()"
          >
            <input
              data-field="name_pattern"
              placeholder="web-*"
              [value]="value().namePattern"
              [disabled]="readonly()"
              (input)="set({ namePattern: $any($event.target).value })"
            />
          </label>
          <p class="help" data-testid="pattern-matches">Matches now: {{ matching() }}</p>
        }
      }
      @for (m of scopeMessages(); track $index) {
        <span class="field-error">{{ m }}</span>
      }
    </fieldset>
  `,
  styles: [
    `
      .scope {
        border: 1px solid var(--line);
        border-radius: 6px;
        padding: 8px 12px;
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      .scope-kinds {
        display: flex;
        gap: 16px;
        flex-wrap: wrap;
      }
      .check-list {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 16px;
        max-height: 160px;
        overflow: auto;
      }
    `,
  ],
})
export class ScopeFields {
  private readonly store = inject(ServersStore);
  readonly value = input.required<ScopeForm>();
  readonly errors = input<readonly FieldError[]>([]);
  readonly readonly = input(false);
  readonly changed = output<ScopeForm>();

  protected readonly groupName = `o2-scope-${nextId++}`;
  protected readonly kinds: { value: ServerScopeKind; label: string }[] = [
    { value: 'all', label: 'All servers' },
    { value: 'list', label: 'Chosen servers' },
    { value: 'pattern', label: 'Names matching a pattern' },
  ];
  protected readonly servers = computed(() =>
    [...this.store.servers()].sort((a, b) => a.name.localeCompare(b.name)),
  );
  protected readonly scopeMessages = computed(() =>
    this.errors()
      .filter((e) => e.field === 'server_scope')
      .map((e) => e.message),
  );
  /** The servers the pattern covers today, as a preview. */
  protected readonly matching = computed(() => {
    const pattern = this.value().namePattern.trim();
    if (pattern === '') return '—';
    const names = this.servers()
      .filter((s) => globMatches(pattern, s.name))
      .map((s) => s.name);
    return names.length === 0 ? 'none' : names.join(', ');
  });

  protected set(patch: Partial<ScopeForm>): void {
    this.changed.emit({ ...this.value(), ...patch });
  }

  protected toggleServer(id: string, on: boolean): void {
    this.set({ serverIds: toggled(this.value().serverIds, id, on) });
  }
}
