import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  output,
  signal,
  untracked,
} from '@angular/core';
import {
  AUTH_TYPES,
  PROTOCOLS,
  type AuthType,
  type ConnectionTestResult,
  ERROR_KIND_TEXT,
  type HealthCheckResult,
  type McpServerView,
  type Protocol,
} from '@omni2/contracts';
import { Api } from '../core/api';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { ServerActions } from '../core/server-actions.service';
import { ServersStore } from '../core/servers.store';
import { Session } from '../core/session.service';
import { Toasts } from '../core/toasts.service';
import { Modal } from '../shared/modal';
import { ToolTester } from '../tools/tool-tester';
import {
  createBody,
  describeTest,
  emptyForm,
  formFromServer,
  patchBody,
  storedSecrets,
  testBlocker,
  type Pair,
  type ServerForm,
} from './server-form';

export type DialogTab = 'config' | 'tools';

const AUTH_LABEL: Readonly<Record<AuthType, string>> = {
  none: 'None',
  bearer: 'Bearer token',
  api_key: 'API key header',
  basic: 'Basic (username, password)',
  headers: 'Custom headers',
};

/**
 * Add or edit a server: every field, protocol-dependent; write-only secrets; the gateway's 400
 * `errors[]` shown under the fields they name. Editing also offers the tools and the tester.
 */
@Component({
  selector: 'o2-server-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal, ToolTester],
  styles: [
    `
      .test-result.ok {
        background: var(--ok-bg);
        color: var(--ok);
      }
      .test-result.bad {
        background: var(--bad-bg);
        color: var(--bad);
      }
      .test-result .detail {
        color: inherit;
        font-size: 12px;
        overflow-wrap: anywhere;
      }
      .test-conn {
        margin-right: auto;
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ],
  template: `
    <o2-modal [heading]="heading()" [wide]="true" (closed)="closed.emit()">
      @if (original(); as orig) {
        <div class="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            [class.on]="tab() === 'config'"
            [attr.aria-selected]="tab() === 'config'"
            (click)="tab.set('config')"
          >
            Configuration
          </button>
          <button
            type="button"
            role="tab"
            data-tab="tools"
            [class.on]="tab() === 'tools'"
            [attr.aria-selected]="tab() === 'tools'"
            (click)="tab.set('tools')"
          >
            Tools{{ orig.capabilities ? ' (' + orig.capabilities.tools + ')' : '' }}
          </button>
        </div>
      }
      @if (tab() === 'tools' && live(); as srv) {
        <o2-tool-tester [server]="srv" [initialTool]="initialTool()" />
      } @else {
        <form class="form grid2" (submit)="$event.preventDefault(); save()" novalidate>
          @if (!canEdit()) {
            <p class="banner warn span2">Read only: editing needs the admin role.</p>
          }
          <label class="field">
            <span class="label">Name <span class="req">*</span></span>
            <input
              data-field="name"
              [value]="form().name"
              (input)="set('name', text($event))"
              [disabled]="!canEdit()"
              placeholder="lowercase, digits, - or _"
            />
            @for (m of err('name'); track m) {
              <span class="field-error">{{ m }}</span>
            }
          </label>
          <label class="field">
            <span class="label">Protocol</span>
            <select
              data-field="protocol"
              (change)="setProtocol(text($event))"
              [disabled]="!canEdit()"
            >
              @for (p of protocols; track p) {
                <option [value]="p" [selected]="form().protocol === p">{{ p }}</option>
              }
            </select>
            @if (form().protocol === 'stdio') {
              <span class="help" data-testid="stdio-help"
                >Runs a command on the gateway host: admin only, limited to the gateway's allowlist
                (OMNI2_STDIO_ALLOWLIST).
                @if (allowlist(); as allowed) {
                  @if (allowed.length > 0) {
                    Allowed commands: <code>{{ allowed.join(', ') }}</code>
                  } @else {
                    No command is allowed: stdio servers are off on this gateway.
                  }
                }
              </span>
            }
            @for (m of err('protocol'); track m) {
              <span class="field-error">{{ m }}</span>
            }
          </label>
          <label class="field span2">
            <span class="label">Description</span>
            <input
              data-field="description"
              [value]="form().description"
              (input)="set('description', text($event))"
              [disabled]="!canEdit()"
            />
            @for (m of err('description'); track m) {
              <span class="field-error">{{ m }}</span>
            }
          </label>

          @if (form().protocol !== 'stdio') {
            <label class="field span2">
              <span class="label">URL <span class="req">*</span></span>
              <input
                data-field="url"
                type="url"
                [value]="form().url"
                (input)="set('url', text($event))"
                [disabled]="!canEdit()"
                placeholder="https://mcp.example.com/mcp"
              />
              @for (m of err('url'); track m) {
                <span class="field-error">{{ m }}</span>
              }
            </label>
            <label class="field">
              <span class="label">Authentication</span>
              <select
                data-field="auth_type"
                (change)="setAuthType(text($event))"
                [disabled]="!canEdit()"
              >
                @for (a of authTypes; track a) {
                  <option [value]="a" [selected]="form().authType === a">{{ authLabel[a] }}</option>
                }
              </select>
              @for (m of err('auth_type'); track m) {
                <span class="field-error">{{ m }}</span>
              }
            </label>
            <div class="field">
              @if (form().authType !== 'none') {
                @if (keepsStoredAuth()) {
                  <span class="label">Credentials</span>
                  <p class="stored" data-testid="auth-stored">
                    Stored (never shown).
                    <button
                      type="button"
                      class="btn small"
                      [disabled]="!canEdit()"
                      (click)="set('replaceAuth', true)"
                    >
                      Replace
                    </button>
                  </p>
                }
              }
            </div>
            @if (form().authType !== 'none' && !keepsStoredAuth()) {
              @switch (form().authType) {
                @case ('bearer') {
                  <label class="field span2">
                    <span class="label">Token <span class="req">*</span></span>
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.token"
                      [value]="form().token"
                      (input)="set('token', text($event))"
                    />
                    @for (m of err('auth_config.token'); track m) {
                      <span class="field-error">{{ m }}</span>
                    }
                  </label>
                }
                @case ('api_key') {
                  <label class="field">
                    <span class="label">Key <span class="req">*</span></span>
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.key"
                      [value]="form().apiKey"
                      (input)="set('apiKey', text($event))"
                    />
                    @for (m of err('auth_config.key'); track m) {
                      <span class="field-error">{{ m }}</span>
                    }
                  </label>
                  <label class="field">
                    <span class="label">Header name</span>
                    <input
                      data-field="auth_config.header_name"
                      placeholder="X-API-Key"
                      [value]="form().apiKeyHeader"
                      (input)="set('apiKeyHeader', text($event))"
                    />
                    @for (m of err('auth_config.header_name'); track m) {
                      <span class="field-error">{{ m }}</span>
                    }
                  </label>
                }
                @case ('basic') {
                  <label class="field">
                    <span class="label">Username <span class="req">*</span></span>
                    <input
                      autocomplete="off"
                      data-field="auth_config.username"
                      [value]="form().username"
                      (input)="set('username', text($event))"
                    />
                    @for (m of err('auth_config.username'); track m) {
                      <span class="field-error">{{ m }}</span>
                    }
                  </label>
                  <label class="field">
                    <span class="label">Password</span>
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.password"
                      [value]="form().password"
                      (input)="set('password', text($event))"
                    />
                    @for (m of err('auth_config.password'); track m) {
                      <span class="field-error">{{ m }}</span>
                    }
                  </label>
                }
                @case ('headers') {
                  <div class="field span2">
                    <span class="label">Headers <span class="req">*</span></span>
                    @for (h of form().headers; track $index) {
                      <div class="pair">
                        <input
                          placeholder="Header-Name"
                          [attr.aria-label]="'Header ' + ($index + 1) + ' name'"
                          [value]="h.name"
                          (input)="setPair('headers', $index, 'name', text($event))"
                        />
                        <input
                          type="password"
                          autocomplete="off"
                          placeholder="value"
                          [attr.aria-label]="'Header ' + ($index + 1) + ' value'"
                          [value]="h.value"
                          (input)="setPair('headers', $index, 'value', text($event))"
                        />
                        <button
                          type="button"
                          class="icon-btn"
                          aria-label="Remove header"
                          (click)="removePair('headers', $index)"
                        >
                          ✕
                        </button>
                      </div>
                    }
                    <button type="button" class="btn small" (click)="addPair('headers')">
                      + Header
                    </button>
                    @for (m of errUnder('auth_config.headers'); track m) {
                      <span class="field-error">{{ m }}</span>
                    }
                  </div>
                }
              }
              @if (stored().auth && !typeChanged()) {
                <p class="help span2">
                  Replacing: the stored credentials are overwritten on save.
                  <button type="button" class="btn small" (click)="set('replaceAuth', false)">
                    Keep stored
                  </button>
                </p>
              }
            }
            @for (m of err('auth_config'); track m) {
              <span class="field-error span2">{{ m }}</span>
            }
          } @else {
            <label class="field span2">
              <span class="label">Command <span class="req">*</span></span>
              <input
                data-field="command"
                class="mono"
                [value]="form().command"
                (input)="set('command', text($event))"
                [disabled]="!canEdit()"
                placeholder="npx"
              />
              @for (m of err('command'); track m) {
                <span class="field-error">{{ m }}</span>
              }
            </label>
            <label class="field">
              <span class="label">Arguments (one per line)</span>
              <textarea
                rows="3"
                class="mono"
                data-field="args"
                [value]="form().args"
                (input)="set('args', text($event))"
                [disabled]="!canEdit()"
              ></textarea>
              @for (m of errUnder('args'); track m) {
                <span class="field-error">{{ m }}</span>
              }
            </label>
            <label class="field">
              <span class="label">Working directory</span>
              <input
                class="mono"
                data-field="cwd"
                [value]="form().cwd"
                (input)="set('cwd', text($event))"
                [disabled]="!canEdit()"
              />
              @for (m of err('cwd'); track m) {
                <span class="field-error">{{ m }}</span>
              }
            </label>
            <div class="field span2">
              <span class="label">Environment</span>
              @if (!form().replaceEnv) {
                <p class="stored" data-testid="env-stored">
                  {{ stored().envNames.length }} variables stored:
                  <code>{{ stored().envNames.join(', ') }}</code> (values never shown).
                  <button
                    type="button"
                    class="btn small"
                    [disabled]="!canEdit()"
                    (click)="set('replaceEnv', true)"
                  >
                    Replace all
                  </button>
                </p>
              } @else {
                @if (stored().envNames.length > 0) {
                  <span class="help">Saving replaces every variable: enter each value again.</span>
                }
                @for (p of form().env; track $index) {
                  <div class="pair">
                    <input
                      class="mono"
                      placeholder="NAME"
                      [attr.aria-label]="'Variable ' + ($index + 1) + ' name'"
                      [value]="p.name"
                      (input)="setPair('env', $index, 'name', text($event))"
                    />
                    <input
                      type="password"
                      autocomplete="off"
                      placeholder="value"
                      [attr.aria-label]="'Variable ' + ($index + 1) + ' value'"
                      [value]="p.value"
                      (input)="setPair('env', $index, 'value', text($event))"
                    />
                    <button
                      type="button"
                      class="icon-btn"
                      aria-label="Remove variable"
                      (click)="removePair('env', $index)"
                    >
                      ✕
                    </button>
                  </div>
                }
                <button type="button" class="btn small" (click)="addPair('env')">+ Variable</button>
              }
              @for (m of errUnder('env'); track m) {
                <span class="field-error">{{ m }}</span>
              }
            </div>
          }

          <label class="field">
            <span class="label">Timeout (seconds)</span>
            <input
              type="number"
              min="1"
              max="3600"
              data-field="timeout_seconds"
              [value]="form().timeoutSeconds"
              (input)="set('timeoutSeconds', text($event))"
              [disabled]="!canEdit()"
            />
            @for (m of err('timeout_seconds'); track m) {
              <span class="field-error">{{ m }}</span>
            }
          </label>
          <label class="field">
            <span class="label">Status</span>
            <select
              data-field="status"
              (change)="set('status', text($event) === 'inactive' ? 'inactive' : 'active')"
              [disabled]="!canEdit()"
            >
              <option value="active" [selected]="form().status === 'active'">active</option>
              <option value="inactive" [selected]="form().status === 'inactive'">
                inactive (disabled)
              </option>
            </select>
            @for (m of err('status'); track m) {
              <span class="field-error">{{ m }}</span>
            }
          </label>

          @if (generalError(); as g) {
            <p class="form-error span2" role="alert" data-testid="dialog-error">{{ g }}</p>
          }
          <div class="span2" aria-live="polite">
            @if (testOutcome(); as o) {
              <div
                class="banner test-result"
                [class.ok]="o.ok"
                [class.bad]="!o.ok"
                data-testid="test-result"
                [attr.data-ok]="o.ok"
              >
                <strong>{{ o.headline }}</strong>
                @for (d of o.details; track $index) {
                  <span class="detail">{{ d }}</span>
                }
                @if (o.stale) {
                  <span class="detail">(the form has changed since this test)</span>
                }
              </div>
            }
            @if (testFailure(); as f) {
              <p class="form-error" data-testid="test-error">{{ f }}</p>
            }
          </div>
          <div class="actions-row span2">
            <div class="test-conn">
              <span class="action-wrap" [attr.title]="testDisabledReason()"
                ><button
                  type="button"
                  class="btn"
                  data-testid="test-connection"
                  [disabled]="testDisabledReason() !== null"
                  [attr.aria-describedby]="testDisabledReason() ? 'test-connection-why' : null"
                  [attr.aria-busy]="testing() || null"
                  (click)="testConnection()"
                >
                  @if (testing()) {
                    <span class="spinner" aria-hidden="true"></span> Testing…
                  } @else {
                    Test connection
                  }
                </button></span
              >
              @if (testDisabledReason(); as why) {
                <span class="help" id="test-connection-why" data-testid="test-why">{{ why }}</span>
              }
            </div>
            <button type="button" class="btn" (click)="closed.emit()">Cancel</button>
            <span class="action-wrap" [attr.title]="saveDisabledReason()"
              ><button
                type="submit"
                class="btn primary"
                data-testid="save-server"
                [disabled]="saving() || !canEdit()"
                [attr.aria-busy]="saving() || null"
                [attr.aria-describedby]="saveDisabledReason() ? 'save-server-why' : null"
              >
                {{ saving() ? 'Saving…' : original() ? 'Save changes' : 'Add server' }}
              </button></span
            >
            @if (saveDisabledReason(); as why) {
              <span class="sr-only" id="save-server-why">{{ why }}</span>
            }
          </div>
        </form>
      }
    </o2-modal>
  `,
})
export class ServerDialog {
  private readonly api = inject(Api);
  private readonly store = inject(ServersStore);
  private readonly toasts = inject(Toasts);
  private readonly session = inject(Session);
  private readonly actions = inject(ServerActions);

  /** The server as it was when the dialog opened; null adds a new one. */
  readonly original = input<McpServerView | null>(null);
  readonly initialTab = input<DialogTab>('config');
  readonly initialTool = input<string | null>(null);
  readonly closed = output<void>();
  readonly saved = output<McpServerView>();

  protected readonly protocols = PROTOCOLS;
  protected readonly authTypes = AUTH_TYPES;
  protected readonly authLabel = AUTH_LABEL;
  protected readonly tab = linkedSignal(() => this.initialTab());
  /** A snapshot: live updates of the row never reset what the operator is typing. */
  protected readonly form = linkedSignal<ServerForm>(() => {
    const server = this.original();
    return server ? formFromServer(server) : emptyForm();
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly stored = computed(() => storedSecrets(this.original()));
  protected readonly heading = computed(() => {
    const server = this.original();
    return server ? `Edit ${server.name}` : 'Add an MCP server';
  });
  /** The live row (for the tester's availability); the snapshot if it is gone. */
  protected readonly live = computed(() => {
    const server = this.original();
    return server ? (this.store.byIdOrName(server.id) ?? server) : null;
  });
  protected readonly canEdit = computed(() => this.session.hasRole('admin'));
  /** Why Save is disabled, for its tooltip and screen readers; null while it is enabled. */
  protected readonly saveDisabledReason = computed(() =>
    !this.canEdit()
      ? `Needs the admin role (you are ${this.session.role() ?? 'signed out'})`
      : this.saving()
        ? 'Saving…'
        : null,
  );
  protected readonly testing = signal(false);
  /** The last test's answer and the form it tested (to say when the form changed since). */
  private readonly lastTest = signal<{ result: ConnectionTestResult; form: ServerForm } | null>(
    null,
  );
  /** A test that could not run at all (gateway unreachable, refused); 400s show on the fields. */
  protected readonly testFailure = signal<string | null>(null);
  protected readonly testOutcome = computed(() => {
    const last = this.lastTest();
    if (!last) return null;
    return { ...describeTest(last.result), ok: last.result.ok, stale: last.form !== this.form() };
  });
  /** Why "Test connection" is disabled, for its tooltip and the hint beside it; null: enabled. */
  protected readonly testDisabledReason = computed(() => {
    if (!this.canEdit()) return 'Testing a connection needs the admin role.';
    if (this.testing()) return 'A test is running.';
    return testBlocker(this.form(), this.stored());
  });
  /** OMNI2_STDIO_ALLOWLIST, read when the form first shows stdio; null until known. */
  protected readonly allowlist = signal<string[] | null>(null);
  private allowlistRequested = false;

  constructor() {
    effect(() => {
      if (this.form().protocol === 'stdio' && this.canEdit()) {
        untracked(() => void this.loadAllowlist());
      }
    });
  }
  protected readonly typeChanged = computed(
    () => this.form().authType !== (this.original()?.auth_type ?? 'none'),
  );
  protected readonly keepsStoredAuth = computed(
    () => this.stored().auth && !this.typeChanged() && !this.form().replaceAuth,
  );
  protected readonly generalError = computed(() => {
    const error = this.error();
    if (!error) return null;
    if (error.fieldErrors.length > 0) {
      const shown = new Set(SHOWN_FIELDS);
      const unshown = error.fieldErrors.filter(
        (f) => !shown.has(f.field) && !/^(auth_config|env|args)(\.|$)/.test(f.field),
      );
      return unshown.length > 0
        ? unshown.map((f) => `${f.field}: ${f.message}`).join('; ')
        : 'Please fix the marked fields.';
    }
    return error.code === 'FORBIDDEN' ? `Not allowed: ${error.message}` : describeError(error);
  });

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected set<K extends keyof ServerForm>(key: K, value: ServerForm[K]): void {
    this.form.update((f) => ({ ...f, [key]: value }));
  }

  protected setProtocol(value: string): void {
    this.set('protocol', value as Protocol);
  }

  protected setAuthType(value: string): void {
    this.set('authType', value as AuthType);
    if (value === 'headers' && this.form().headers.length === 0) this.addPair('headers');
  }

  protected setPair(key: 'env' | 'headers', index: number, part: keyof Pair, value: string): void {
    this.form.update((f) => ({
      ...f,
      [key]: f[key].map((p, i) => (i === index ? { ...p, [part]: value } : p)),
    }));
  }

  protected addPair(key: 'env' | 'headers'): void {
    this.form.update((f) => ({ ...f, [key]: [...f[key], { name: '', value: '' }] }));
  }

  protected removePair(key: 'env' | 'headers', index: number): void {
    this.form.update((f) => ({ ...f, [key]: f[key].filter((_, i) => i !== index) }));
  }

  /** Messages for exactly this gateway field. */
  protected err(field: string): string[] {
    return (this.error()?.fieldErrors ?? []).filter((e) => e.field === field).map((e) => e.message);
  }

  /** Messages for this field and everything under it, each naming its sub-field. */
  protected errUnder(prefix: string): string[] {
    return (this.error()?.fieldErrors ?? [])
      .filter((e) => e.field === prefix || e.field.startsWith(`${prefix}.`))
      .map((e) =>
        e.field === prefix ? e.message : `${e.field.slice(prefix.length + 1)}: ${e.message}`,
      );
  }

  /** Runs the form through the gateway's connection test; nothing is saved. */
  protected async testConnection(): Promise<void> {
    if (this.testDisabledReason() !== null) return;
    const form = this.form();
    this.testing.set(true);
    this.testFailure.set(null);
    this.error.set(null);
    this.lastTest.set(null);
    try {
      const result = await this.api.post<ConnectionTestResult>(
        '/mcp/servers/test-connection',
        createBody(form),
      );
      this.lastTest.set({ result, form });
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.fieldErrors.length > 0) {
        this.error.set(apiError);
        this.testFailure.set('The test did not run: fix the marked fields.');
      } else {
        this.testFailure.set(`The test did not run: ${describeError(apiError)}`);
      }
    } finally {
      this.testing.set(false);
    }
  }

  private async loadAllowlist(): Promise<void> {
    if (this.allowlistRequested) return;
    this.allowlistRequested = true;
    try {
      const view = await this.api.get<{ commands: string[] }>('/mcp/stdio-allowlist');
      this.allowlist.set(view.commands);
    } catch {
      // The help text then names the setting only; saving still reports a refused command.
      this.allowlistRequested = false;
    }
  }

  protected async save(): Promise<void> {
    this.saving.set(true);
    this.error.set(null);
    const original = this.original();
    try {
      let view: McpServerView;
      if (original) {
        const body = patchBody(this.form(), original);
        view =
          Object.keys(body).length === 0
            ? original
            : await this.api.patch<McpServerView>(`/mcp/servers/${original.id}`, body);
      } else {
        view = await this.api.post<McpServerView>('/mcp/servers', createBody(this.form()));
      }
      this.store.upsert(view);
      const checkNow = !original && view.status === 'active';
      this.toasts.show(
        checkNow ? 'info' : 'success',
        original
          ? `${view.name} saved`
          : checkNow
            ? `${view.name} added; running its first check…`
            : `${view.name} added (disabled)`,
      );
      this.saved.emit(view);
      // The first check runs now, not at the coordinator's next turn, and says how it went.
      if (checkNow) void this.firstCheck(view);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.saving.set(false);
    }
  }

  private async firstCheck(view: McpServerView): Promise<void> {
    const result = await this.actions.check(view);
    // null: the check request itself failed, and ServerActions has said so in a toast.
    if (result) this.toasts.show(result.ok ? 'success' : 'error', firstCheckText(view, result));
  }
}

/** The toast after a new server's first check: healthy, or which layer failed and why. */
export function firstCheckText(view: McpServerView, result: HealthCheckResult): string {
  if (result.ok) {
    const ms =
      result.response_time_ms === null ? '' : ` in ${Math.round(result.response_time_ms)} ms`;
    return `${view.name}: first check healthy (answered${ms})`;
  }
  const kind = result.error_kind;
  const why = kind ? `${kind} (${ERROR_KIND_TEXT[kind]})` : 'error';
  return `${view.name}: first check failed: ${why}${result.error ? ` — ${result.error}` : ''}`;
}

const SHOWN_FIELDS = [
  'name',
  'protocol',
  'description',
  'url',
  'auth_type',
  'command',
  'cwd',
  'timeout_seconds',
  'status',
];
