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
import { disabled, form, FormField } from '@angular/forms/signals';
import {
  AUTH_TYPES,
  OAUTH_GRANTS,
  PROTOCOLS,
  type AuthType,
  type OAuthGrant,
  type ConnectionTestResult,
  type McpServerView,
} from '@omni2/contracts';
import { Api } from '../core/api';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { ServerActions } from '../core/server-actions.service';
import { ServersStore } from '../core/servers.store';
import { Session } from '../core/session.service';
import { Field, messagesFor } from '../shared/field';
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
  type ServerForm,
} from './server-form';

export type DialogTab = 'config' | 'tools';

const AUTH_LABEL: Readonly<Record<AuthType, string>> = {
  none: 'None',
  bearer: 'Bearer token',
  api_key: 'API key header',
  basic: 'Basic (username, password)',
  headers: 'Custom headers',
  oauth: 'OAuth 2.1',
};

const GRANT_LABEL: Readonly<Record<OAuthGrant, string>> = {
  client_credentials: 'Client credentials (machine identity)',
  authorization_code: 'Authorization code (an operator authorizes)',
};

/** Hints for the authorization code grant, whose client is optional. */
const AUTH_CODE_HINT = {
  grant: 'After saving, an operator authorizes it with Authorize (on its page or its row).',
  clientId:
    'Optional: for a client registered in advance. Left empty, omni2 identifies itself by its Client ID Metadata Document or registers dynamically.',
  clientSecret: 'Optional: only for a confidential client registered in advance.',
} as const;

/**
 * Add or edit a server: every field, protocol-dependent; write-only secrets; the gateway's 400
 * `errors[]` shown under the fields they name. Editing also offers the tools and the tester.
 */
@Component({
  selector: 'o2-server-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal, ToolTester, Field, FormField],
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
          <label o2-field label="Name" required name="name" [errors]="fieldErrors()">
            <input data-field="name" [formField]="f.name" placeholder="lowercase, digits, - or _" />
          </label>
          <label o2-field label="Protocol" name="protocol" [errors]="fieldErrors()">
            <select data-field="protocol" [formField]="f.protocol">
              @for (p of protocols; track p) {
                <option [value]="p">{{ p }}</option>
              }
            </select>
            @if (model().protocol === 'stdio') {
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
          </label>
          <label
            o2-field
            class="span2"
            label="Description"
            name="description"
            [errors]="fieldErrors()"
          >
            <input data-field="description" [formField]="f.description" />
          </label>

          @if (model().protocol !== 'stdio') {
            <label o2-field class="span2" label="URL" required name="url" [errors]="fieldErrors()">
              <input
                data-field="url"
                type="url"
                [formField]="f.url"
                placeholder="https://mcp.example.com/mcp"
              />
            </label>
            <label o2-field label="Authentication" name="auth_type" [errors]="fieldErrors()">
              <select data-field="auth_type" [formField]="f.authType" (change)="authTypeChosen()">
                @for (a of authTypes; track a) {
                  <option [value]="a">{{ authLabel[a] }}</option>
                }
              </select>
            </label>
            <div class="field">
              @if (model().authType !== 'none') {
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
            @if (model().authType !== 'none' && !keepsStoredAuth()) {
              @switch (model().authType) {
                @case ('bearer') {
                  <label
                    o2-field
                    class="span2"
                    label="Token"
                    required
                    name="auth_config.token"
                    [errors]="fieldErrors()"
                  >
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.token"
                      [formField]="f.token"
                    />
                  </label>
                }
                @case ('api_key') {
                  <label
                    o2-field
                    label="Key"
                    required
                    name="auth_config.key"
                    [errors]="fieldErrors()"
                  >
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.key"
                      [formField]="f.apiKey"
                    />
                  </label>
                  <label
                    o2-field
                    label="Header name"
                    name="auth_config.header_name"
                    [errors]="fieldErrors()"
                  >
                    <input
                      data-field="auth_config.header_name"
                      placeholder="X-API-Key"
                      [formField]="f.apiKeyHeader"
                    />
                  </label>
                }
                @case ('oauth') {
                  @let authCode = model().oauthGrant === 'authorization_code';
                  <label
                    o2-field
                    class="span2"
                    label="Grant"
                    name="auth_config.grant"
                    [hint]="authCode ? authCodeHint.grant : null"
                    [errors]="fieldErrors()"
                  >
                    <select data-field="auth_config.grant" [formField]="f.oauthGrant">
                      @for (g of oauthGrants; track g) {
                        <option [value]="g">{{ grantLabel[g] }}</option>
                      }
                    </select>
                  </label>
                  <label
                    o2-field
                    label="Client ID"
                    [required]="!authCode"
                    name="auth_config.client_id"
                    [hint]="authCode ? authCodeHint.clientId : null"
                    [errors]="fieldErrors()"
                  >
                    <input
                      autocomplete="off"
                      data-field="auth_config.client_id"
                      [formField]="f.clientId"
                    />
                  </label>
                  <label
                    o2-field
                    label="Client secret"
                    name="auth_config.client_secret"
                    [hint]="authCode ? authCodeHint.clientSecret : null"
                    [errors]="fieldErrors()"
                  >
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.client_secret"
                      [formField]="f.clientSecret"
                    />
                  </label>
                  @if (!authCode) {
                    <label
                      o2-field
                      class="span2"
                      label="Private key (PEM, instead of a secret: private_key_jwt)"
                      name="auth_config.private_key"
                      [errors]="fieldErrors()"
                    >
                      <textarea
                        rows="3"
                        autocomplete="off"
                        data-field="auth_config.private_key"
                        [formField]="f.privateKey"
                      ></textarea>
                    </label>
                    @if (model().privateKey.trim() !== '') {
                      <label
                        o2-field
                        label="Signing algorithm"
                        name="auth_config.signing_algorithm"
                        [errors]="fieldErrors()"
                      >
                        <select
                          data-field="auth_config.signing_algorithm"
                          [formField]="f.signingAlgorithm"
                        >
                          @for (a of signingAlgorithms; track a) {
                            <option [value]="a">{{ a }}</option>
                          }
                        </select>
                      </label>
                    }
                  }
                  <label
                    o2-field
                    class="span2"
                    label="Scopes"
                    name="auth_config.scopes"
                    nested
                    [errors]="fieldErrors()"
                  >
                    <input
                      data-field="auth_config.scopes"
                      placeholder="space-separated; empty asks for what the server offers"
                      [formField]="f.scopes"
                    />
                  </label>
                }
                @case ('basic') {
                  <label
                    o2-field
                    label="Username"
                    required
                    name="auth_config.username"
                    [errors]="fieldErrors()"
                  >
                    <input
                      autocomplete="off"
                      data-field="auth_config.username"
                      [formField]="f.username"
                    />
                  </label>
                  <label
                    o2-field
                    label="Password"
                    name="auth_config.password"
                    [errors]="fieldErrors()"
                  >
                    <input
                      type="password"
                      autocomplete="off"
                      data-field="auth_config.password"
                      [formField]="f.password"
                    />
                  </label>
                }
                @case ('headers') {
                  <div
                    o2-field
                    class="span2"
                    label="Headers"
                    required
                    name="auth_config.headers"
                    nested
                    [errors]="fieldErrors()"
                  >
                    @for (h of f.headers; track $index) {
                      <div class="pair">
                        <input
                          placeholder="Header-Name"
                          [attr.aria-label]="'Header ' + ($index + 1) + ' name'"
                          [formField]="h.name"
                        />
                        <input
                          type="password"
                          autocomplete="off"
                          placeholder="value"
                          [attr.aria-label]="'Header ' + ($index + 1) + ' value'"
                          [formField]="h.value"
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
            @for (m of messagesFor(fieldErrors(), 'auth_config'); track m) {
              <span class="field-error span2">{{ m }}</span>
            }
          } @else {
            <label
              o2-field
              class="span2"
              label="Command"
              required
              name="command"
              [errors]="fieldErrors()"
            >
              <input data-field="command" class="mono" [formField]="f.command" placeholder="npx" />
            </label>
            <label
              o2-field
              label="Arguments (one per line)"
              name="args"
              nested
              [errors]="fieldErrors()"
            >
              <textarea rows="3" class="mono" data-field="args" [formField]="f.args"></textarea>
            </label>
            <label o2-field label="Working directory" name="cwd" [errors]="fieldErrors()">
              <input class="mono" data-field="cwd" [formField]="f.cwd" />
            </label>
            <div
              o2-field
              class="span2"
              label="Environment"
              name="env"
              nested
              [errors]="fieldErrors()"
            >
              @if (!model().replaceEnv) {
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
                @for (p of f.env; track $index) {
                  <div class="pair">
                    <input
                      class="mono"
                      placeholder="NAME"
                      [attr.aria-label]="'Variable ' + ($index + 1) + ' name'"
                      [formField]="p.name"
                    />
                    <input
                      type="password"
                      autocomplete="off"
                      placeholder="value"
                      [attr.aria-label]="'Variable ' + ($index + 1) + ' value'"
                      [formField]="p.value"
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
            </div>
          }

          <label o2-field label="Timeout (seconds)" name="timeout_seconds" [errors]="fieldErrors()">
            <input
              type="text"
              inputmode="numeric"
              data-field="timeout_seconds"
              [formField]="f.timeoutSeconds"
            />
          </label>
          <label o2-field label="Status" name="status" [errors]="fieldErrors()">
            <select data-field="status" [formField]="f.status">
              <option value="active">active</option>
              <option value="inactive">inactive (disabled)</option>
            </select>
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
  protected readonly oauthGrants = OAUTH_GRANTS;
  protected readonly grantLabel = GRANT_LABEL;
  protected readonly authCodeHint = AUTH_CODE_HINT;
  protected readonly signingAlgorithms = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;
  protected readonly tab = linkedSignal(() => this.initialTab());
  /** A snapshot: live updates of the row never reset what the operator is typing. */
  protected readonly model = linkedSignal<ServerForm>(() => {
    const server = this.original();
    return server ? formFromServer(server) : emptyForm();
  });
  /**
   * The controls bound to the model; all of them read-only without the admin role. The timeout
   * is a text input: a number input keeps its last good value while the text is not a number
   * ("30e"), so what is saved would differ from what is shown; typed as is, the gateway's 400
   * names the field instead.
   */
  protected readonly f = form(this.model, (path) => {
    disabled(path, () => !this.canEdit());
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
    return { ...describeTest(last.result), ok: last.result.ok, stale: last.form !== this.model() };
  });
  /** Why "Test connection" is disabled, for its tooltip and the hint beside it; null: enabled. */
  protected readonly testDisabledReason = computed(() => {
    if (!this.canEdit()) return 'Testing a connection needs the admin role.';
    if (this.testing()) return 'A test is running.';
    return testBlocker(this.model(), this.stored());
  });
  /** OMNI2_STDIO_ALLOWLIST, read when the form first shows stdio; null until known. */
  protected readonly allowlist = signal<string[] | null>(null);
  private allowlistRequested = false;

  constructor() {
    effect(() => {
      if (this.model().protocol === 'stdio' && this.canEdit()) {
        untracked(() => void this.loadAllowlist());
      }
    });
  }
  protected readonly typeChanged = computed(
    () => this.model().authType !== (this.original()?.auth_type ?? 'none'),
  );
  protected readonly keepsStoredAuth = computed(
    () => this.stored().auth && !this.typeChanged() && !this.model().replaceAuth,
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

  protected readonly fieldErrors = computed(() => this.error()?.fieldErrors ?? []);
  protected readonly messagesFor = messagesFor;

  protected set<K extends keyof ServerForm>(key: K, value: ServerForm[K]): void {
    this.model.update((f) => ({ ...f, [key]: value }));
  }

  /** Custom headers start with one empty row to fill in. */
  protected authTypeChosen(): void {
    const model = this.model();
    if (model.authType === 'headers' && model.headers.length === 0) this.addPair('headers');
  }

  protected addPair(key: 'env' | 'headers'): void {
    this.model.update((f) => ({ ...f, [key]: [...f[key], { name: '', value: '' }] }));
  }

  protected removePair(key: 'env' | 'headers', index: number): void {
    this.model.update((f) => ({ ...f, [key]: f[key].filter((_, i) => i !== index) }));
  }

  /** Runs the form through the gateway's connection test; nothing is saved. */
  protected async testConnection(): Promise<void> {
    if (this.testDisabledReason() !== null) return;
    const tested = this.model();
    this.testing.set(true);
    this.testFailure.set(null);
    this.error.set(null);
    this.lastTest.set(null);
    try {
      const result = await this.api.post<ConnectionTestResult>(
        '/mcp/servers/test-connection',
        createBody(tested),
      );
      this.lastTest.set({ result, form: tested });
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
    const model = this.model();
    try {
      const outcome = await this.actions.save(
        original,
        original ? patchBody(model, original) : createBody(model),
      );
      if (outcome.ok) this.saved.emit(outcome.view);
      else this.error.set(outcome.error);
    } finally {
      this.saving.set(false);
    }
  }
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
