import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  linkedSignal,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type {
  McpServerView,
  ToolCancelledResult,
  ToolExecutionResult,
  ToolInputRequiredResult,
  ToolInputResponse,
  ToolRunProgress,
  ToolRunResult,
  ToolView,
} from '@omni2/contracts';
import { Api } from '../core/api';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { CapabilitiesService } from '../core/capabilities.service';
import { Clock } from '../core/clock.service';
import { availability } from '../core/permissions';
import { Session } from '../core/session.service';
import { formatMs } from '../shared/format';
import { RelativeTime } from '../shared/relative-time';
import { initialValue, prune, validate } from './json-schema';
import { SchemaField } from './schema-field';
import { ToolResult } from './tool-result';
import { RunStreamClosed, type StreamedRun, ToolRunClient } from './tool-run-client';

type Mode = 'form' | 'json';
type Action = ToolInputResponse['action'];

const CONTENT_FIELD = /^input_response\.content\.([^.]+)/;
let questionSeq = 0;

/**
 * Lists a server's tools and runs one: a form generated from the tool's input schema (or raw
 * JSON), then the result content, `is_error`, or the API's error, with the duration. When the
 * server asks a question mid-run (`status: input_required`, MCP elicitation) the question's form
 * takes the result's place; its answer continues the run, up to the result or the next question.
 * A run is streamed: the server's progress shows as it comes (a bar when it names a total), with
 * the time elapsed and a Cancel button; an optional timeout replaces the server's own for the run.
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
              <label class="field inline timeout-field">
                <span class="label">Timeout (s)</span>
                <input
                  type="number"
                  min="1"
                  step="1"
                  inputmode="numeric"
                  data-field="timeout_seconds"
                  [attr.placeholder]="server().timeout_seconds"
                  [attr.aria-invalid]="timeoutError() ? true : null"
                  [disabled]="running()"
                  [value]="timeoutText()"
                  (input)="timeoutText.set(text($event))"
                />
                @if (timeoutError(); as e) {
                  <span class="field-error">{{ e }}</span>
                }
              </label>
              <span class="action-wrap" [attr.title]="canRun().reason">
                <button
                  type="button"
                  class="btn primary"
                  data-testid="run-tool"
                  [disabled]="!canRun().enabled || running() || !!question()"
                  [attr.aria-describedby]="question() ? 'run-paused-' + questionId() : null"
                  (click)="run()"
                >
                  @if (running()) {
                    <span class="spinner" aria-hidden="true"></span> Running…
                  } @else {
                    Run
                  }
                </button>
              </span>
              <button
                type="button"
                class="btn"
                data-testid="cancel-run"
                [disabled]="!running() || cancelling()"
                [attr.title]="running() ? null : 'Nothing is running'"
                (click)="cancelRun()"
              >
                Cancel
              </button>
              @if (question()) {
                <span class="muted small" [id]="'run-paused-' + questionId()">
                  This run is waiting for your answer below: answer it or cancel it to run again.
                </span>
              }
              @if (blocked()) {
                <span class="field-error">Fix the marked fields first</span>
              }
            </div>
            @if (running()) {
              <div class="run-progress" data-testid="run-progress" role="status">
                @if (progress(); as p) {
                  @if (p.total !== null && p.total > 0) {
                    <progress
                      data-testid="progress-bar"
                      [value]="p.progress"
                      [max]="p.total"
                      [attr.aria-label]="'Progress ' + p.progress + ' of ' + p.total"
                    ></progress>
                    <span class="small" data-testid="progress-count"
                      >{{ p.progress }} / {{ p.total }}</span
                    >
                  } @else {
                    <span class="small" data-testid="progress-count">{{ p.progress }} so far</span>
                  }
                  @if (p.message) {
                    <span class="muted small" data-testid="progress-message">{{ p.message }}</span>
                  }
                } @else {
                  <span class="muted small">No progress reported yet</span>
                }
                <span class="muted small" data-testid="run-elapsed">{{ elapsed() }} elapsed</span>
              </div>
            }
            @if (question(); as q) {
              <section
                class="result question"
                data-testid="tool-question"
                [attr.aria-labelledby]="'q-title-' + questionId()"
              >
                <div class="result-head">
                  <strong class="badge question-badge" [id]="'q-title-' + questionId()">
                    The server asks
                  </strong>
                  <span
                    class="small"
                    data-testid="question-expiry"
                    [class.muted]="!expired()"
                    [class.warn-text]="expired()"
                  >
                    @if (expired()) {
                      expired <o2-relative-time [at]="q.expires_at" />
                    } @else {
                      expires <o2-relative-time [at]="q.expires_at" />
                    }
                  </span>
                </div>
                <p class="question-message" [id]="'q-msg-' + questionId()">
                  {{ q.input_request.message }}
                </p>
                <form
                  #questionForm
                  novalidate
                  [attr.aria-labelledby]="'q-title-' + questionId()"
                  [attr.aria-describedby]="'q-msg-' + questionId()"
                  (submit)="submitAnswer($event)"
                >
                  <o2-schema-field
                    [schema]="q.input_request.requested_schema"
                    [value]="answerValue()"
                    [errors]="answerErrors()"
                    emptyNote=""
                    (valueChange)="answerValue.set($event)"
                  />
                  @if (answerProblems().length > 0) {
                    <ul class="errors field-error" role="alert" data-testid="question-errors">
                      @for (p of answerProblems(); track $index) {
                        <li>{{ p }}</li>
                      }
                    </ul>
                  }
                  <div class="actions-row left">
                    <button
                      type="submit"
                      class="btn primary"
                      data-answer="accept"
                      [disabled]="answering() !== null"
                    >
                      @if (answering() === 'accept') {
                        <span class="spinner" aria-hidden="true"></span>
                      }
                      Accept
                    </button>
                    <button
                      type="button"
                      class="btn"
                      data-answer="decline"
                      [disabled]="answering() !== null"
                      (click)="answer('decline')"
                    >
                      @if (answering() === 'decline') {
                        <span class="spinner" aria-hidden="true"></span>
                      }
                      Decline
                    </button>
                    <button
                      type="button"
                      class="btn"
                      data-answer="cancel"
                      [disabled]="answering() !== null"
                      (click)="answer('cancel')"
                    >
                      @if (answering() === 'cancel') {
                        <span class="spinner" aria-hidden="true"></span>
                      }
                      Cancel
                    </button>
                    @if (answerBlocked()) {
                      <span class="field-error">Fix the marked fields first</span>
                    }
                  </div>
                </form>
              </section>
            } @else if (questionGone()) {
              <div class="banner warn" role="alert" data-testid="question-gone">
                <span>
                  This question is no longer open: it expired, or it was already answered. The run
                  has ended; run the tool again to start over.
                </span>
                <button
                  #runAgain
                  type="button"
                  class="btn small"
                  [disabled]="!canRun().enabled || running()"
                  (click)="run()"
                >
                  Run again
                </button>
              </div>
            } @else if (cancelled(); as c) {
              <div class="run-outcome" tabindex="-1" #outcome>
                <div
                  class="result result-cancelled"
                  data-testid="tool-result"
                  data-outcome="cancelled"
                >
                  <div class="result-head">
                    <strong class="badge status-unknown">Cancelled</strong>
                    <span class="muted">after {{ ms(c.duration_ms) }}</span>
                  </div>
                  <p class="muted">
                    {{ c.reason }}. The server was told to stop; this does not count against it.
                  </p>
                </div>
              </div>
            } @else {
              <div class="run-outcome" tabindex="-1" #outcome>
                <o2-tool-result
                  [result]="result()"
                  [error]="error()"
                  [clientMs]="clientMs()"
                  [server]="server()"
                />
              </div>
            }
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
  private readonly clock = inject(Clock);
  private readonly injector = inject(Injector);
  private readonly runs = inject(ToolRunClient);

  readonly server = input.required<McpServerView>();
  /** Preselect this tool (by name). */
  readonly initialTool = input<string | null>(null);

  /** The tool picked; `initialTool` once the server's tools are known and none is picked yet. */
  protected readonly selectedName = linkedSignal<
    { wanted: string | null; tools: readonly ToolView[] | undefined },
    string | null
  >({
    source: () => ({ wanted: this.initialTool(), tools: this.entry()?.view?.tools }),
    computation: ({ wanted, tools }, previous) =>
      previous?.value ?? (tools?.some((t) => t.name === wanted) ? wanted : null),
  });
  protected readonly mode = signal<Mode>('form');
  /** The arguments being edited: the schema's defaults again whenever another tool is picked. */
  protected readonly formValue = linkedSignal<string | null, unknown>({
    source: this.selectedName,
    computation: () => untracked(() => startValue(this.selected())),
  });
  protected readonly jsonText = linkedSignal<string | null, string>({
    source: this.selectedName,
    computation: () => untracked(() => JSON.stringify(startValue(this.selected()), null, 2)),
  });
  protected readonly running = signal(false);
  protected readonly result = signal<ToolExecutionResult | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly clientMs = signal<number | null>(null);
  protected readonly attempted = signal(false);
  /** The question the paused run asks; null when no run waits for an answer. */
  protected readonly question = signal<ToolInputRequiredResult | null>(null);
  protected readonly questionId = signal(0);
  protected readonly answerValue = signal<unknown>({});
  protected readonly answerAttempted = signal(false);
  /** The action being sent, while it is. */
  protected readonly answering = signal<Action | null>(null);
  /** Why the last answer was refused (the question stays open). */
  protected readonly answerError = signal<ApiError | null>(null);
  /** The last answer met 404: the question had expired or was answered already. */
  protected readonly questionGone = signal(false);
  /** The timeout field as typed (seconds); empty means the server's own. */
  protected readonly timeoutText = signal('');
  /** The latest progress the running tool reported. */
  protected readonly progress = signal<ToolRunProgress | null>(null);
  /** The running run's id (from its `run` event), for Cancel. */
  private readonly runId = signal<string | null>(null);
  private readonly startedAt = signal<number | null>(null);
  protected readonly cancelling = signal(false);
  /** The last run was cancelled (shown calmly, not as an error). */
  protected readonly cancelled = signal<ToolCancelledResult | null>(null);
  private stream: StreamedRun | null = null;

  private readonly questionForm = viewChild<ElementRef<HTMLFormElement>>('questionForm');
  private readonly runAgain = viewChild<ElementRef<HTMLButtonElement>>('runAgain');
  private readonly outcome = viewChild<ElementRef<HTMLElement>>('outcome');

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
  private readonly answerClientProblems = computed(() => {
    const q = this.question();
    return q ? validate(q.input_request.requested_schema, this.answerValue()) : new Map();
  });
  protected readonly answerBlocked = computed(
    () => this.answerAttempted() && this.answerClientProblems().size > 0,
  );
  /** Problems by field name: the form's own checks once Accept was tried, then the gateway's. */
  protected readonly answerErrors = computed(() => {
    const shown = new Map<string, string>(
      this.answerAttempted() ? this.answerClientProblems() : [],
    );
    for (const f of this.answerError()?.fieldErrors ?? []) {
      const name = CONTENT_FIELD.exec(f.field)?.[1];
      if (name !== undefined && !shown.has(name)) shown.set(name, f.message);
    }
    return shown;
  });
  /** What the gateway refused that is not one of the form's fields. */
  protected readonly answerProblems = computed(() => {
    const e = this.answerError();
    if (!e) return [];
    const loose = e.fieldErrors.filter((f) => !CONTENT_FIELD.test(f.field));
    if (loose.length > 0) return loose.map((f) => `${f.field}: ${f.message}`);
    return e.fieldErrors.length === 0 ? [describeError(e)] : [];
  });
  protected readonly expired = computed(() => {
    const q = this.question();
    return q !== null && this.clock.now() >= Date.parse(q.expires_at);
  });
  protected readonly elapsed = computed(() => {
    const started = this.startedAt();
    return started === null ? '' : formatMs(Math.max(0, this.clock.now() - started));
  });
  private readonly timeoutProblem = computed(() => {
    const text = this.timeoutText().trim();
    if (text === '') return null;
    const value = Number(text);
    return Number.isInteger(value) && value >= 1 ? null : 'a whole number of seconds, at least 1';
  });
  protected readonly timeoutError = computed(
    () =>
      (this.attempted() ? this.timeoutProblem() : null) ??
      this.error()?.fieldError('timeout_seconds') ??
      null,
  );
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
    // Walking away from a question answers it: the paused run stops instead of waiting it out.
    // Walking away from a running tool closes its stream, which cancels it on the gateway.
    inject(DestroyRef).onDestroy(() => {
      this.abandonQuestion();
      this.stream?.close();
    });
  }

  protected reload(): void {
    void this.capabilities.load(this.serverId());
  }

  protected select(tool: ToolView): void {
    this.abandonQuestion();
    this.selectedName.set(tool.name);
    // Set here too: picking the tool already picked starts it afresh.
    const start = startValue(tool);
    this.formValue.set(start);
    this.jsonText.set(JSON.stringify(start, null, 2));
    this.result.set(null);
    this.error.set(null);
    this.cancelled.set(null);
    this.clientMs.set(null);
    this.attempted.set(false);
    this.questionGone.set(false);
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

  protected ms(value: number): string {
    return formatMs(value);
  }

  protected async run(): Promise<void> {
    const tool = this.selected();
    if (!tool || this.question() || this.running()) return;
    this.attempted.set(true);
    if (this.mode() === 'form' && this.clientProblems().size > 0) return;
    if (this.mode() === 'json' && this.jsonProblem()) return;
    if (this.timeoutProblem()) return;
    const args: unknown =
      this.mode() === 'form' ? (prune(this.formValue()) ?? {}) : JSON.parse(this.jsonText());
    const timeout = this.timeoutText().trim();
    this.running.set(true);
    this.error.set(null);
    this.result.set(null);
    this.cancelled.set(null);
    this.progress.set(null);
    this.runId.set(null);
    this.questionGone.set(false);
    this.startedAt.set(this.clock.now());
    const started = performance.now();
    const stream = this.runs.execute(
      this.executePath(tool.name),
      { arguments: args, ...(timeout === '' ? {} : { timeout_seconds: Number(timeout) }) },
      {
        started: (event) => this.runId.set(event.run_id),
        progress: (progress) => this.progress.set(progress),
      },
    );
    this.stream = stream;
    try {
      const step = await stream.done;
      if (step.status === 'input_required' && this.selectedName() !== tool.name) {
        // Another tool was picked meanwhile: nobody is there to answer this question.
        this.cancelQuietly(step);
        return;
      }
      this.show(step);
    } catch (error) {
      if (error instanceof RunStreamClosed) {
        // Closed here before the run had an id: it is cancelled on the gateway too.
        if (this.cancelling()) this.cancelled.set(this.cancelledLocally(tool.name, started));
        return;
      }
      this.error.set(toApiError(error));
    } finally {
      if (this.stream === stream) this.stream = null;
      this.clientMs.set(Math.round(performance.now() - started));
      this.running.set(false);
      this.cancelling.set(false);
      this.startedAt.set(null);
      this.runId.set(null);
    }
  }

  /**
   * Cancels the running tool: by its run id (the gateway tells the server and the run ends with
   * status `cancelled`), or, before the run has one, by closing its stream.
   */
  protected async cancelRun(): Promise<void> {
    const stream = this.stream;
    if (!stream || this.cancelling()) return;
    this.cancelling.set(true);
    const runId = this.runId();
    const tool = this.selectedName();
    if (runId === null || tool === null) {
      stream.close();
      return;
    }
    try {
      await this.api.post(
        `/mcp/servers/${this.serverId()}/tools/${encodeURIComponent(tool)}/runs/${encodeURIComponent(runId)}/cancel`,
      );
    } catch {
      // The run ended meanwhile (404), or the gateway is unreachable: closing the stream
      // cancels it all the same.
      stream.close();
    }
  }

  private cancelledLocally(tool: string, started: number): ToolCancelledResult {
    return {
      status: 'cancelled',
      server_id: this.serverId(),
      tool,
      run_id: '',
      reason: 'Cancelled before the server answered',
      duration_ms: Math.round(performance.now() - started),
    };
  }

  protected submitAnswer(event: Event): void {
    event.preventDefault();
    void this.answer('accept');
  }

  /**
   * Sends the answer to the open question. A refused answer (400) keeps the question open with
   * the reasons by the fields; a question no longer held (404) ends the run; anything else is
   * the run's next step, or its failure, shown like a run's.
   */
  protected async answer(action: Action): Promise<void> {
    const q = this.question();
    if (!q || this.answering() !== null) return;
    let response: ToolInputResponse;
    if (action === 'accept') {
      this.answerAttempted.set(true);
      if (this.answerClientProblems().size > 0) return;
      const content = (prune(this.answerValue()) ?? {}) as Extract<
        ToolInputResponse,
        { action: 'accept' }
      >['content'];
      response = { action, content };
    } else {
      response = { action };
    }
    this.answering.set(action);
    this.answerError.set(null);
    const started = performance.now();
    try {
      const step = await this.api.post<ToolRunResult>(this.executePath(q.tool), {
        input_token: q.input_token,
        input_response: response,
      });
      if (this.question() !== q) return;
      this.clientMs.set(Math.round(performance.now() - started));
      this.show(step);
    } catch (raw) {
      if (this.question() !== q) return;
      const error = toApiError(raw);
      if (error.code === 'TOOL_INPUT_NOT_FOUND') {
        this.question.set(null);
        this.questionGone.set(true);
        this.focusAfterRender(() => this.runAgain()?.nativeElement);
      } else if (error.code === 'VALIDATION_FAILED' || error.unreachable) {
        // The question is still open (same token): the person can correct or retry.
        this.answerError.set(error);
      } else {
        this.question.set(null);
        this.clientMs.set(Math.round(performance.now() - started));
        this.error.set(error);
        this.focusAfterRender(() => this.outcome()?.nativeElement);
      }
    } finally {
      this.answering.set(null);
    }
  }

  /** A run's next step: its result (an absent status is a result too), or a question. */
  private show(step: ToolRunResult): void {
    if (step.status === 'input_required') {
      this.question.set(step);
      this.questionId.set(++questionSeq);
      this.answerValue.set(initialValue(step.input_request.requested_schema) ?? {});
      this.answerAttempted.set(false);
      this.answerError.set(null);
      this.focusAfterRender(() => {
        const form = this.questionForm()?.nativeElement;
        return (
          form?.querySelector<HTMLElement>('input, select, textarea') ??
          form?.querySelector<HTMLElement>('button[type="submit"]')
        );
      });
      return;
    }
    const wasAsking = this.question() !== null;
    this.question.set(null);
    if (step.status === 'cancelled') {
      this.cancelled.set(step);
      return;
    }
    this.result.set(step);
    if (wasAsking) this.focusAfterRender(() => this.outcome()?.nativeElement);
  }

  private focusAfterRender(target: () => HTMLElement | null | undefined): void {
    afterNextRender({ write: () => target()?.focus() }, { injector: this.injector });
  }

  /** Cancels the open question, if any, without waiting (tool switched or tester closed). */
  private abandonQuestion(): void {
    const q = this.question();
    if (!q) return;
    this.question.set(null);
    this.cancelQuietly(q);
  }

  private cancelQuietly(q: ToolInputRequiredResult): void {
    this.api
      .post(this.executePath(q.tool), {
        input_token: q.input_token,
        input_response: { action: 'cancel' },
      })
      .catch(() => undefined);
  }

  private executePath(tool: string): string {
    return `/mcp/servers/${this.serverId()}/tools/${encodeURIComponent(tool)}/execute`;
  }
}

/** What a tool's form starts from: its schema's defaults, else an empty object. */
function startValue(tool: ToolView | null): unknown {
  return (tool && initialValue(tool.input_schema)) ?? {};
}
