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
import { ALERT_EVENTS, type AlertEvent, type AlertRuleView } from '@omni2/contracts';
import { AlertChannels, AlertRules } from '../core/alerts.data';
import { ApiError, toApiError } from '../core/api-error';
import { alertAvailability } from '../core/permissions';
import { Session } from '../core/session.service';
import { Field } from '../shared/field';
import { formatDuration } from '../shared/format';
import { Modal } from '../shared/modal';
import {
  EVENT_LABEL,
  KIND_LABEL,
  emptyRuleForm,
  ruleBody,
  ruleFormFrom,
  toggled,
  type RuleForm,
  type ScopeForm,
} from './alert-forms';
import { generalMessage } from './dialog-errors';
import { ScopeFields } from './scope-fields';

const SHOWN = [
  'name',
  'events',
  'events.',
  'server_scope',
  'server_ids',
  'server_ids.',
  'name_pattern',
  'min_failures',
  'min_duration_seconds',
  'reminder_interval_seconds',
  'send_recovery',
  'channel_ids',
  'channel_ids.',
  'enabled',
];

/** "5 min" under a seconds field, once it holds a number. */
function inWords(text: string, blank: string): string {
  const t = text.trim();
  if (t === '') return blank;
  return /^\d+$/.test(t) ? `= ${formatDuration(Number(t))}` : 'a whole number of seconds';
}

/**
 * Add or edit an alert rule: the events it watches (in words), which servers, when a failure
 * becomes an alert (after N checks, after a duration), reminders, recovery messages, and the
 * channels it sends to.
 */
@Component({
  selector: 'o2-rule-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal, Field, FormField, ScopeFields],
  styles: [
    `
      .check-list {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
    `,
  ],
  template: `
    <o2-modal [heading]="heading()" [wide]="true" (closed)="closed.emit()">
      <form class="form grid2" (submit)="$event.preventDefault(); save()" novalidate>
        @if (!canEdit()) {
          <p class="banner warn span2">Read only: {{ access().reason }}.</p>
        }
        <label o2-field class="span2" label="Name" required name="name" [errors]="fieldErrors()">
          <input data-field="name" [formField]="f.name" />
        </label>
        <div
          o2-field
          class="span2"
          label="When"
          required
          name="events"
          nested
          [errors]="fieldErrors()"
        >
          <div class="check-list" data-testid="events">
            @for (e of events; track e) {
              <label class="inline">
                <input
                  type="checkbox"
                  [attr.data-event]="e"
                  [checked]="model().events.includes(e)"
                  [disabled]="!canEdit()"
                  (change)="toggleEvent(e, $any($event.target).checked)"
                />
                {{ eventLabel[e] }}
              </label>
            }
          </div>
        </div>
        <o2-scope-fields
          [value]="model()"
          [readonly]="!canEdit()"
          [errors]="fieldErrors()"
          (changed)="setScope($event)"
        />
        <label
          o2-field
          label="After this many failed checks in a row"
          name="min_failures"
          [hint]="
            model().minFailures.trim() === '' ? 'Empty: when the circuit opens (server down)' : null
          "
          [errors]="fieldErrors()"
        >
          <input data-field="min_failures" inputmode="numeric" [formField]="f.minFailures" />
        </label>
        <label
          o2-field
          label="Only once down for (seconds)"
          name="min_duration_seconds"
          [hint]="minDurationHint()"
          [errors]="fieldErrors()"
        >
          <input
            data-field="min_duration_seconds"
            inputmode="numeric"
            [formField]="f.minDuration"
          />
        </label>
        <label
          o2-field
          label="Remind every (seconds)"
          name="reminder_interval_seconds"
          [hint]="reminderHint()"
          [errors]="fieldErrors()"
        >
          <input
            data-field="reminder_interval_seconds"
            inputmode="numeric"
            [formField]="f.reminder"
          />
        </label>
        <label class="field check">
          <span class="label">Send a message when it recovers</span>
          <input type="checkbox" data-field="send_recovery" [formField]="f.sendRecovery" />
        </label>
        <div
          o2-field
          class="span2"
          label="Send to"
          required
          name="channel_ids"
          nested
          [errors]="fieldErrors()"
        >
          <div class="check-list" data-testid="rule-channels">
            @for (c of channels.list(); track c.id) {
              <label class="inline">
                <input
                  type="checkbox"
                  [attr.data-channel-id]="c.id"
                  [checked]="model().channelIds.includes(c.id)"
                  [disabled]="!canEdit()"
                  (change)="toggleChannel(c.id, $any($event.target).checked)"
                />
                {{ c.name }} <span class="muted small">{{ kindLabel[c.kind] }}</span>
                @if (!c.enabled) {
                  <span class="muted small">(disabled)</span>
                }
              </label>
            } @empty {
              <span class="muted">No channels yet: add one on the Channels tab first.</span>
            }
          </div>
        </div>
        <label class="field check">
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
            data-testid="save-rule"
            [disabled]="saving() || !canEdit()"
            [attr.title]="canEdit() ? null : access().reason"
            [attr.aria-busy]="saving() || null"
          >
            {{ saving() ? 'Saving…' : original() ? 'Save changes' : 'Add rule' }}
          </button>
        </div>
      </form>
    </o2-modal>
  `,
})
export class RuleDialog {
  private readonly rules = inject(AlertRules);
  protected readonly channels = inject(AlertChannels);
  readonly original = input<AlertRuleView | null>(null);
  readonly closed = output<void>();
  readonly saved = output<AlertRuleView>();

  protected readonly events = ALERT_EVENTS;
  protected readonly eventLabel = EVENT_LABEL;
  protected readonly kindLabel = KIND_LABEL;
  protected readonly model = linkedSignal<RuleForm>(() => {
    const rule = this.original();
    return rule ? ruleFormFrom(rule) : emptyRuleForm();
  });
  private readonly session = inject(Session);
  /** Without the role, the dialog shows the settings read-only. */
  protected readonly access = computed(() =>
    alertAvailability('manage_rules', this.session.role()),
  );
  protected readonly canEdit = computed(() => this.access().enabled);
  protected readonly f = form(this.model, (path) => {
    disabled(path, () => !this.canEdit());
  });
  protected readonly heading = computed(() => {
    const rule = this.original();
    return rule ? `Edit rule ${rule.name}` : 'Add an alert rule';
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly fieldErrors = computed(() => this.error()?.fieldErrors ?? []);
  protected readonly general = computed(() => generalMessage(this.error(), SHOWN));
  protected readonly minDurationHint = computed(() =>
    inWords(this.model().minDuration, 'Empty: at once'),
  );
  protected readonly reminderHint = computed(() =>
    inWords(this.model().reminder, 'Empty: no reminders'),
  );

  constructor() {
    this.channels.ensureLoaded();
  }

  protected toggleEvent(event: AlertEvent, on: boolean): void {
    this.model.update((m) => ({ ...m, events: toggled(m.events, event, on) }));
  }

  protected toggleChannel(id: string, on: boolean): void {
    this.model.update((m) => ({ ...m, channelIds: toggled(m.channelIds, id, on) }));
  }

  protected setScope(scope: ScopeForm): void {
    this.model.update((m) => ({ ...m, ...scope }));
  }

  protected async save(): Promise<void> {
    const original = this.original();
    this.saving.set(true);
    this.error.set(null);
    try {
      const body = ruleBody(this.model());
      const view = original
        ? await this.rules.update(original.id, body)
        : await this.rules.create(body);
      this.saved.emit(view);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.saving.set(false);
    }
  }
}
