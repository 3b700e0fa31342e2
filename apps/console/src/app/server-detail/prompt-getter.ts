import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import type { McpServerView, PromptGetResult, PromptView } from '@omni2/contracts';
import { Api } from '../core/api';
import { type ApiError, describeError, toApiError } from '../core/api-error';
import { availability } from '../core/permissions';
import { Session } from '../core/session.service';
import { formatMs } from '../shared/format';
import { ContentView } from '../tools/content-view';

let panelSeq = 0;
const ARGUMENT_FIELD = /^arguments\.(.+)$/;

/**
 * One prompt of the capabilities list, with Get: a form of its arguments (text, required ones
 * marked), then the messages the server rendered (role and content), or why it refused.
 */
@Component({
  selector: 'o2-prompt-getter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ContentView],
  host: { class: 'cap-item' },
  template: `
    @let p = prompt();
    <div class="cap-row">
      <span class="cap-name">
        <code>{{ p.name }}</code>
        <span class="muted">{{ p.description ?? p.title }}</span>
        @if (p.arguments.length > 0) {
          <span class="small" data-testid="prompt-args">({{ argumentList() }})</span>
        }
      </span>
      <span class="action-wrap" [attr.title]="open() ? null : canGet().reason">
        <button
          type="button"
          class="btn small"
          data-testid="prompt-toggle"
          [attr.aria-expanded]="open()"
          [attr.aria-controls]="panelId"
          [attr.aria-label]="(open() ? 'Hide ' : 'Get ') + p.name"
          [disabled]="!open() && !canGet().enabled"
          (click)="open.set(!open())"
        >
          {{ open() ? 'Hide' : 'Get' }}
        </button>
      </span>
    </div>
    @if (open()) {
      <div class="cap-panel" data-testid="prompt-panel" [id]="panelId">
        <form novalidate [attr.aria-label]="'Arguments of ' + p.name" (submit)="submit($event)">
          @for (a of p.arguments; track a.name) {
            <label class="field">
              <span class="label">
                {{ a.name }}
                @if (a.required) {
                  <span class="req" title="required">*</span>
                }
              </span>
              <input
                type="text"
                [attr.data-arg]="a.name"
                [attr.aria-required]="a.required || null"
                [attr.aria-invalid]="problems().has(a.name) ? true : null"
                [value]="values()[a.name] ?? ''"
                (input)="setValue(a.name, $event)"
              />
              @if (a.description) {
                <span class="help">{{ a.description }}</span>
              }
              @if (problems().get(a.name); as m) {
                <span class="field-error" role="alert">{{ m }}</span>
              }
            </label>
          } @empty {
            <p class="muted small">This prompt takes no arguments.</p>
          }
          <div class="actions-row left">
            <span class="action-wrap" [attr.title]="canGet().reason">
              <button
                type="submit"
                class="btn primary small"
                data-testid="prompt-get"
                [disabled]="!canGet().enabled || loading()"
              >
                @if (loading()) {
                  <span class="spinner" aria-hidden="true"></span> Getting…
                } @else {
                  Get prompt
                }
              </button>
            </span>
          </div>
        </form>
        @if (error(); as e) {
          <div class="banner warn" role="alert" data-testid="prompt-error">
            <span>
              Get failed:
              @if (e.code) {
                <code>{{ e.code }}</code>
              }
              {{ explain(e) }}
            </span>
            @if (looseErrors().length > 0) {
              <ul class="errors">
                @for (f of looseErrors(); track $index) {
                  <li>
                    <code>{{ f.field }}</code> {{ f.message }}
                  </li>
                }
              </ul>
            }
          </div>
        }
        @if (result(); as res) {
          <div class="prompt-result" data-testid="prompt-result" aria-live="polite">
            <span class="muted small">
              {{ res.messages.length }} {{ res.messages.length === 1 ? 'message' : 'messages' }} ·
              rendered in {{ ms(res.duration_ms) }}
            </span>
            @if (res.description) {
              <p class="help">{{ res.description }}</p>
            }
            <ol class="messages">
              @for (m of messages(); track $index) {
                <li class="message" [attr.data-role]="m.role">
                  <span class="role-badge">{{ m.role }}</span>
                  <o2-content [items]="m.items" [server]="server()" />
                </li>
              } @empty {
                <li class="muted">The server returned no messages.</li>
              }
            </ol>
          </div>
        }
      </div>
    }
  `,
})
export class PromptGetter {
  private readonly api = inject(Api);
  private readonly session = inject(Session);

  readonly server = input.required<McpServerView>();
  readonly prompt = input.required<PromptView>();

  protected readonly panelId = `prompt-panel-${++panelSeq}`;
  protected readonly open = signal(false);
  /** "name*, style": the arguments at a glance, required ones starred. */
  protected readonly argumentList = computed(() =>
    this.prompt()
      .arguments.map((a) => (a.required ? `${a.name}*` : a.name))
      .join(', '),
  );
  protected readonly values = signal<Readonly<Partial<Record<string, string>>>>({});
  protected readonly attempted = signal(false);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly result = signal<PromptGetResult | null>(null);
  protected readonly messages = computed(() =>
    (this.result()?.messages ?? []).map((m) => ({ role: m.role, items: [m.content] })),
  );
  protected readonly canGet = computed(() =>
    availability('get_prompt', this.server(), this.session.role()),
  );
  private readonly missing = computed(() => {
    const values = this.values();
    return new Map(
      this.prompt()
        .arguments.filter((a) => a.required && (values[a.name] ?? '').trim() === '')
        .map((a) => [a.name, 'required'] as const),
    );
  });
  /** Problems by argument: missing required ones once Get was tried, then the gateway's. */
  protected readonly problems = computed(() => {
    const shown = new Map<string, string>(this.attempted() ? this.missing() : []);
    for (const f of this.error()?.fieldErrors ?? []) {
      const name = ARGUMENT_FIELD.exec(f.field)?.[1];
      if (name !== undefined && this.known(name) && !shown.has(name)) shown.set(name, f.message);
    }
    return shown;
  });
  /** What the gateway refused that is not one of the form's fields. */
  protected readonly looseErrors = computed(() =>
    (this.error()?.fieldErrors ?? []).filter((f) => {
      const name = ARGUMENT_FIELD.exec(f.field)?.[1];
      return name === undefined || !this.known(name);
    }),
  );
  /** Only the latest request may show its answer. */
  private attempt = 0;

  protected setValue(name: string, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.values.update((v) => ({ ...v, [name]: value }));
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.canGet().enabled || this.loading()) return;
    this.attempted.set(true);
    if (this.missing().size > 0) return;
    const args: Record<string, string> = {};
    for (const a of this.prompt().arguments) {
      const value = this.values()[a.name];
      if (value !== undefined && value !== '') args[a.name] = value;
    }
    const attempt = ++this.attempt;
    this.loading.set(true);
    this.error.set(null);
    this.result.set(null);
    const path = `/mcp/servers/${this.server().id}/prompts/${encodeURIComponent(this.prompt().name)}/get`;
    try {
      const result = await this.api.post<PromptGetResult>(path, { arguments: args });
      if (attempt === this.attempt) this.result.set(result);
    } catch (error) {
      if (attempt === this.attempt) this.error.set(toApiError(error));
    } finally {
      if (attempt === this.attempt) this.loading.set(false);
    }
  }

  protected ms(value: number): string {
    return formatMs(value);
  }

  protected explain(error: ApiError): string {
    return describeError(error);
  }

  private known(name: string): boolean {
    return this.prompt().arguments.some((a) => a.name === name);
  }
}
