import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { disabled, form, FormField } from '@angular/forms/signals';
import { CHANNEL_KINDS, type AlertChannelView } from '@omni2/contracts';
import { AlertChannels } from '../core/alerts.data';
import { ApiError, toApiError } from '../core/api-error';
import { alertAvailability } from '../core/permissions';
import { Session } from '../core/session.service';
import { Field } from '../shared/field';
import { Modal } from '../shared/modal';
import {
  KIND_LABEL,
  channelBody,
  channelFormFrom,
  emptyChannelForm,
  type ChannelForm,
} from './alert-forms';
import { generalMessage } from './dialog-errors';

const SHOWN = ['name', 'kind', 'enabled', 'config.headers.', 'config.to.'].concat(
  [
    'url',
    'secret',
    'headers',
    'host',
    'port',
    'security',
    'username',
    'password',
    'from',
    'to',
  ].map((f) => `config.${f}`),
);

/**
 * Add or edit an alert channel: the fields its kind takes (webhook URL, secret and headers; a chat
 * URL; an SMTP relay and recipients). Stored secrets show as "***" and are kept unless replaced.
 * The gateway's 400 messages show under the fields they name.
 */
@Component({
  selector: 'o2-channel-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal, Field, FormField],
  template: `
    <o2-modal [heading]="heading()" [wide]="true" (closed)="closed.emit()">
      <form class="form grid2" (submit)="$event.preventDefault(); save()" novalidate>
        @if (!canEdit()) {
          <p class="banner warn span2">Read only: {{ access().reason }}.</p>
        }
        <label o2-field label="Name" required name="name" [errors]="fieldErrors()">
          <input data-field="name" [formField]="f.name" />
        </label>
        <label o2-field label="Kind" name="kind" [errors]="fieldErrors()">
          <select data-field="kind" [formField]="f.kind">
            @for (k of kinds(); track k) {
              <option [value]="k">{{ kindLabel[k] }}</option>
            }
          </select>
        </label>
        @if (model().kind === 'email') {
          <label o2-field label="SMTP host" required name="config.host" [errors]="fieldErrors()">
            <input data-field="config.host" [formField]="f.host" placeholder="smtp.example.com" />
          </label>
          <label o2-field label="Port" required name="config.port" [errors]="fieldErrors()">
            <input data-field="config.port" inputmode="numeric" [formField]="f.port" />
          </label>
          <label o2-field label="Security" name="config.security" [errors]="fieldErrors()">
            <select data-field="config.security" [formField]="f.security">
              <option value="starttls">STARTTLS (usually port 587)</option>
              <option value="tls">TLS from the start (usually port 465)</option>
              <option value="none">None (plain SMTP)</option>
            </select>
          </label>
          <label class="field check">
            <span class="label">Verify TLS certificate</span>
            <input
              type="checkbox"
              data-field="config.tls_reject_unauthorized"
              [formField]="f.verifyTls"
              title="Turn off only for a relay with a self-signed certificate you trust"
            />
          </label>
          <label o2-field label="Username" name="config.username" [errors]="fieldErrors()">
            <input data-field="config.username" autocomplete="off" [formField]="f.username" />
          </label>
          <label
            o2-field
            label="Password"
            name="config.password"
            [hint]="storedHint('password')"
            [errors]="fieldErrors()"
          >
            <input
              type="password"
              autocomplete="off"
              data-field="config.password"
              [formField]="f.password"
            />
          </label>
          <label o2-field label="From" required name="config.from" [errors]="fieldErrors()">
            <input
              data-field="config.from"
              type="email"
              [formField]="f.from"
              placeholder="omni2@example.com"
            />
          </label>
          <label
            o2-field
            class="span2"
            label="To (one address per line)"
            required
            name="config.to"
            nested
            [errors]="fieldErrors()"
          >
            <textarea rows="3" data-field="config.to" [formField]="f.to"></textarea>
          </label>
        } @else {
          <label
            o2-field
            class="span2"
            label="URL"
            required
            name="config.url"
            [hint]="urlHint()"
            [errors]="fieldErrors()"
          >
            <input data-field="config.url" type="url" [formField]="f.url" />
          </label>
        }
        @if (model().kind === 'webhook') {
          <label
            o2-field
            class="span2"
            label="Signing secret (at least 16 characters)"
            name="config.secret"
            [hint]="storedHint('secret') ?? 'Signs each request (X-Omni2-Signature); optional.'"
            [errors]="fieldErrors()"
          >
            <input
              type="password"
              autocomplete="off"
              data-field="config.secret"
              [formField]="f.secret"
            />
          </label>
          <div
            o2-field
            class="span2"
            label="Custom headers"
            name="config.headers"
            nested
            [hint]="model().headers.length > 0 ? storedHint('headers') : null"
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
                  [disabled]="!canEdit()"
                  (click)="removeHeader($index)"
                >
                  ✕
                </button>
              </div>
            }
            <button type="button" class="btn small" [disabled]="!canEdit()" (click)="addHeader()">
              + Header
            </button>
          </div>
        }
        <label class="field check span2">
          <span class="label">Enabled</span>
          <input type="checkbox" data-field="enabled" [formField]="f.enabled" />
        </label>
        @if (general(); as g) {
          <p class="form-error span2" role="alert" data-testid="dialog-error">{{ g }}</p>
        }
        <div class="actions-row span2">
          <button type="button" class="btn" (click)="closed.emit()">Cancel</button>
          <button
            type="submit"
            class="btn primary"
            data-testid="save-channel"
            [disabled]="saving() || !canEdit()"
            [attr.title]="canEdit() ? null : access().reason"
            [attr.aria-busy]="saving() || null"
          >
            {{ saving() ? 'Saving…' : original() ? 'Save changes' : 'Add channel' }}
          </button>
        </div>
      </form>
    </o2-modal>
  `,
})
export class ChannelDialog {
  private readonly channels = inject(AlertChannels);
  /** The channel as it was when the dialog opened; null adds one. */
  readonly original = input<AlertChannelView | null>(null);
  readonly closed = output<void>();
  readonly saved = output<AlertChannelView>();

  protected readonly kindLabel = KIND_LABEL;
  protected readonly model = linkedSignal<ChannelForm>(() => {
    const channel = this.original();
    return channel ? channelFormFrom(channel) : emptyChannelForm();
  });
  private readonly session = inject(Session);
  /** Without the role, the dialog shows the settings read-only. */
  protected readonly access = computed(() =>
    alertAvailability('manage_channels', this.session.role()),
  );
  protected readonly canEdit = computed(() => this.access().enabled);
  protected readonly f = form(this.model, (path) => {
    disabled(path, () => !this.canEdit());
  });
  /** The kind of a stored channel is fixed: only a new one offers a choice. */
  protected readonly kinds = computed(() => {
    const channel = this.original();
    return channel ? [channel.kind] : CHANNEL_KINDS;
  });
  protected readonly heading = computed(() => {
    const channel = this.original();
    return channel ? `Edit channel ${channel.name}` : 'Add an alert channel';
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly fieldErrors = computed(() => this.error()?.fieldErrors ?? []);
  protected readonly general = computed(() => generalMessage(this.error(), SHOWN));
  protected readonly urlHint = computed(() => {
    if (this.original() && this.model().url.endsWith('/***')) {
      return 'Stored (the path is the token): left as is, it is kept.';
    }
    return this.model().kind === 'webhook'
      ? 'Receives the signed JSON notification.'
      : 'The incoming-webhook URL: https:// (http:// only to this machine).';
  });

  /** "***" in a field of a stored channel: the stored value is kept. */
  protected storedHint(field: 'secret' | 'password' | 'headers'): string | null {
    const stored = this.original()?.config[field];
    if (stored === undefined) return null;
    return field === 'headers'
      ? 'Values showing *** keep what is stored.'
      : 'Stored: *** keeps it; type a new value to replace it, or clear it to remove it.';
  }

  protected addHeader(): void {
    this.model.update((m) => ({ ...m, headers: [...m.headers, { name: '', value: '' }] }));
  }

  protected removeHeader(index: number): void {
    this.model.update((m) => ({ ...m, headers: m.headers.filter((_, i) => i !== index) }));
  }

  protected async save(): Promise<void> {
    const original = this.original();
    this.saving.set(true);
    this.error.set(null);
    try {
      const body = channelBody(this.model(), original);
      const view = original
        ? await this.channels.update(original.id, body)
        : await this.channels.create(body);
      this.saved.emit(view);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.saving.set(false);
    }
  }
}
