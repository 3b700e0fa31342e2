import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import type { McpServerView, ToolExecutionResult, ToolView } from '@omni2/contracts';
import { Api } from '../core/api';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { CapabilitiesService } from '../core/capabilities.service';
import { availability } from '../core/permissions';
import { Session } from '../core/session.service';
import { RelativeTime } from '../shared/relative-time';
import { initialValue, prune, validate } from './json-schema';
import { SchemaField } from './schema-field';
import { ToolResult } from './tool-result';

type Mode = 'form' | 'json';

/**
 * Lists a server's tools and runs one: a form generated from the tool's input schema (or raw
 * JSON), then the result content, `is_error`, or the API's error, with the duration.
 */
@Component({
  selector: 'o2-tool-tester',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [SchemaField, ToolResult, RelativeTime],
  template: `
    @let caps = entry();
    @if (!caps || (caps.loading && !caps.view)) {
      <p class="muted">Loading tools…</p>
    } @else if (!caps.view) {
      <p class="banner warn" data-testid="tools-unavailable">
        Tools unavailable: {{ explain(caps.error) }}
        <button type="button" class="btn small" (click)="reload()">Retry</button>
      </p>
    } @else {
      <div class="tester">
        <aside class="tool-list" aria-label="Tools">
          <div class="tool-list-head">
            <strong>{{ caps.view.tools.length }} tools</strong>
            <span class="muted small">cached <o2-relative-time [at]="caps.view.cached_at" /></span>
          </div>
          @if (caps.error) {
            <p class="banner warn small">Refresh failed: {{ explain(caps.error) }}</p>
          }
          @for (tool of caps.view.tools; track tool.name) {
            <button
              type="button"
              class="tool-item"
              [class.selected]="tool.name === selectedName()"
              [attr.data-tool]="tool.name"
              (click)="select(tool)"
            >
              <span class="tool-name">{{ tool.title || tool.name }}</span>
              @if (tool.description) {
                <span class="tool-desc">{{ tool.description }}</span>
              }
            </button>
          } @empty {
            <p class="muted">This server offers no tools.</p>
          }
        </aside>
        <section class="tool-run">
          @if (selected(); as tool) {
            <header class="tool-run-head">
              <h3>{{ tool.name }}</h3>
              <div class="segmented" role="group" aria-label="Input mode">
                <button
                  type="button"
                  [class.on]="mode() === 'form'"
                  (click)="setMode('form')"
                  data-mode="form"
                >
                  Form
                </button>
                <button
                  type="button"
                  [class.on]="mode() === 'json'"
                  (click)="setMode('json')"
                  data-mode="json"
                >
                  JSON
                </button>
              </div>
            </header>
            @if (tool.description) {
              <p class="help">{{ tool.description }}</p>
            }
            @if (mode() === 'form') {
              <o2-schema-field
                [schema]="tool.input_schema"
                [value]="formValue()"
                [errors]="shownErrors()"
                (valueChange)="formValue.set($event)"
              />
            } @else {
              <label class="field">
                <span class="label">Arguments (JSON object)</span>
                <textarea
                  class="mono"
                  rows="8"
                  data-field="raw-json"
                  [value]="jsonText()"
                  (input)="jsonText.set(text($event))"
                ></textarea>
                @if (jsonProblem(); as p) {
                  <span class="field-error">{{ p }}</span>
                }
              </label>
            }
            <div class="actions-row left">
              <span class="action-wrap" [attr.title]="canRun().reason">
                <button
                  type="button"
                  class="btn primary"
                  data-testid="run-tool"
                  [disabled]="!canRun().enabled || running()"
                  (click)="run()"
                >
                  @if (running()) {
                    <span class="spinner" aria-hidden="true"></span> Running…
                  } @else {
                    Run
                  }
                </button>
              </span>
              @if (blocked()) {
                <span class="field-error">Fix the marked fields first</span>
              }
            </div>
            <o2-tool-result [result]="result()" [error]="error()" [clientMs]="clientMs()" />
          } @else if (caps.view.tools.length > 0) {
            <p class="muted">Pick a tool to test it.</p>
          }
        </section>
      </div>
    }
  `,
})
export class ToolTester {
  private readonly api = inject(Api);
  private readonly capabilities = inject(CapabilitiesService);
  private readonly session = inject(Session);

  readonly server = input.required<McpServerView>();
  /** Preselect this tool (by name). */
  readonly initialTool = input<string | null>(null);

  protected readonly selectedName = signal<string | null>(null);
  protected readonly mode = signal<Mode>('form');
  protected readonly formValue = signal<unknown>({});
  protected readonly jsonText = signal('{}');
  protected readonly running = signal(false);
  protected readonly result = signal<ToolExecutionResult | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly clientMs = signal<number | null>(null);
  protected readonly attempted = signal(false);

  private readonly serverId = computed(() => this.server().id);
  protected readonly entry = computed(() => this.capabilities.entry(this.serverId()));
  protected readonly selected = computed(
    () => this.entry()?.view?.tools.find((t) => t.name === this.selectedName()) ?? null,
  );
  protected readonly canRun = computed(() =>
    availability('execute', this.server(), this.session.role()),
  );
  private readonly clientProblems = computed(() => {
    const tool = this.selected();
    return tool && this.mode() === 'form'
      ? validate(tool.input_schema, this.formValue())
      : new Map();
  });
  protected readonly shownErrors = computed(() => {
    const shown = new Map<string, string>(this.attempted() ? this.clientProblems() : []);
    for (const f of this.error()?.fieldErrors ?? []) {
      shown.set(f.field.replace(/^arguments\.?/, ''), f.message);
    }
    return shown;
  });
  protected readonly blocked = computed(() => this.attempted() && this.clientProblems().size > 0);
  protected readonly jsonProblem = computed(() => {
    if (this.mode() !== 'json') return null;
    try {
      const parsed: unknown = JSON.parse(this.jsonText());
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? null
        : 'must be a JSON object';
    } catch {
      return 'not valid JSON';
    }
  });

  constructor() {
    // Load on open and when the dialog/page switches server; the cache serves repeats.
    effect(() => {
      const id = this.serverId();
      untracked(() => {
        if (!this.capabilities.entry(id)) void this.capabilities.load(id);
      });
    });
    effect(() => {
      const wanted = this.initialTool();
      const tools = this.entry()?.view?.tools;
      untracked(() => {
        if (this.selectedName() !== null || !tools) return;
        const tool = tools.find((t) => t.name === wanted) ?? null;
        if (tool) this.select(tool);
      });
    });
  }

  protected reload(): void {
    void this.capabilities.load(this.serverId());
  }

  protected select(tool: ToolView): void {
    this.selectedName.set(tool.name);
    const start = initialValue(tool.input_schema) ?? {};
    this.formValue.set(start);
    this.jsonText.set(JSON.stringify(start, null, 2));
    this.result.set(null);
    this.error.set(null);
    this.clientMs.set(null);
    this.attempted.set(false);
  }

  protected setMode(mode: Mode): void {
    if (mode === this.mode()) return;
    if (mode === 'json') {
      this.jsonText.set(JSON.stringify(prune(this.formValue()) ?? {}, null, 2));
    } else {
      if (this.jsonProblem()) return;
      this.formValue.set(JSON.parse(this.jsonText()) as unknown);
    }
    this.mode.set(mode);
  }

  protected text(event: Event): string {
    return (event.target as HTMLTextAreaElement).value;
  }

  protected explain(error: ApiError | null): string {
    return error ? describeError(error) : 'unknown error';
  }

  protected async run(): Promise<void> {
    const tool = this.selected();
    if (!tool) return;
    this.attempted.set(true);
    if (this.mode() === 'form' && this.clientProblems().size > 0) return;
    if (this.mode() === 'json' && this.jsonProblem()) return;
    const args: unknown =
      this.mode() === 'form' ? (prune(this.formValue()) ?? {}) : JSON.parse(this.jsonText());
    this.running.set(true);
    this.error.set(null);
    this.result.set(null);
    const started = performance.now();
    try {
      const result = await this.api.post<ToolExecutionResult>(
        `/mcp/servers/${this.serverId()}/tools/${encodeURIComponent(tool.name)}/execute`,
        { arguments: args },
      );
      this.result.set(result);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.clientMs.set(Math.round(performance.now() - started));
      this.running.set(false);
    }
  }
}
