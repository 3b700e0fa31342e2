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
import type { MaintenanceWindowView } from '@omni2/contracts';
import { MaintenanceWindows } from '../core/alerts.data';
import { ApiError, toApiError } from '../core/api-error';
import { alertAvailability } from '../core/permissions';
import { Session } from '../core/session.service';
import { Field } from '../shared/field';
import { formatDuration } from '../shared/format';
import { Modal } from '../shared/modal';
import {
  cronInWords,
  emptyWindowForm,
  windowBody,
  windowFormFrom,
  type ScopeForm,
  type WindowForm,
} from './alert-forms';
import { generalMessage } from './dialog-errors';
import { ScopeFields } from './scope-fields';

const SHOWN = [
  'name',
  'starts_at',
  'ends_at',
  'recurrence',
  'duration_seconds',
  'server_scope',
  'server_ids',
  'server_ids.',
  'name_pattern',
];

/**
 * Add or edit a maintenance window: one-off (start and end, local time) or recurring (a cron
 * expression in UTC, how long each occurrence lasts, from a start date and optionally until an
 * end), for all servers, chosen ones or a name pattern.
 */
@Component({
  selector: 'o2-window-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Modal, Field, FormField, ScopeFields],
  template: `
    <o2-modal [heading]="heading()" [wide]="true" (closed)="closed.emit()">
      <form class="form grid2" (submit)="$event.preventDefault(); save()" novalidate>
        @if (!canEdit()) {
          <p class="banner warn span2">Read only: {{ access().reason }}.</p>
        }
        <label o2-field class="span2" label="Name" required name="name" [errors]="fieldErrors()">
          <input data-field="name" [formField]="f.name" placeholder="Sunday patching" />
        </label>
        <label class="field check span2">
          <span class="label">Recurring (a cron schedule)</span>
          <input type="checkbox" data-field="recurring" [formField]="f.recurring" />
        </label>
        @if (model().recurring) {
          <label
            o2-field
            label="Schedule (cron, UTC)"
            required
            name="recurrence"
            [hint]="scheduleHint()"
            [errors]="fieldErrors()"
          >
            <input
              class="mono"
              data-field="recurrence"
              placeholder="0 2 * * 0"
              [formField]="f.recurrence"
            />
          </label>
          <label
            o2-field
            label="Each lasts (minutes)"
            required
            name="duration_seconds"
            [hint]="durationHint()"
            [errors]="fieldErrors()"
          >
            <input
              data-field="duration_seconds"
              inputmode="numeric"
              [formField]="f.durationMinutes"
            />
          </label>
          <label
            o2-field
            label="From (local time)"
            required
            name="starts_at"
            [errors]="fieldErrors()"
          >
            <input data-field="starts_at" type="datetime-local" [formField]="f.start" />
          </label>
          <label
            o2-field
            label="Until (local time)"
            name="ends_at"
            hint="Empty: forever"
            [errors]="fieldErrors()"
          >
            <input data-field="ends_at" type="datetime-local" [formField]="f.end" />
          </label>
        } @else {
          <label
            o2-field
            label="Starts (local time)"
            required
            name="starts_at"
            [errors]="fieldErrors()"
          >
            <input data-field="starts_at" type="datetime-local" [formField]="f.start" />
          </label>
          <label
            o2-field
            label="Ends (local time)"
            required
            name="ends_at"
            [errors]="fieldErrors()"
          >
            <input data-field="ends_at" type="datetime-local" [formField]="f.end" />
          </label>
        }
        <o2-scope-fields
          [value]="model()"
          [readonly]="!canEdit()"
          [errors]="fieldErrors()"
          (changed)="setScope($event)"
        />
        <p class="help span2">
          While a window is on, alerts for its servers are held and they are not disabled
          automatically.
        </p>
        @if (general(); as g) {
          <p class="form-error span2" role="alert" data-testid="dialog-error">{{ g }}</p>
        }
        <div class="actions-row span2">
          <button type="button" class="btn" (click)="closed.emit()">Cancel</button>
          <button
            type="submit"
            class="btn primary"
            data-testid="save-window"
            [disabled]="saving() || !canEdit()"
            [attr.title]="canEdit() ? null : access().reason"
            [attr.aria-busy]="saving() || null"
          >
            {{ saving() ? 'Saving…' : original() ? 'Save changes' : 'Add window' }}
          </button>
        </div>
      </form>
    </o2-modal>
  `,
})
export class WindowDialog {
  private readonly windows = inject(MaintenanceWindows);
  readonly original = input<MaintenanceWindowView | null>(null);
  readonly closed = output<void>();
  readonly saved = output<MaintenanceWindowView>();

  protected readonly model = linkedSignal<WindowForm>(() => {
    const w = this.original();
    return w ? windowFormFrom(w) : emptyWindowForm(Date.now());
  });
  private readonly session = inject(Session);
  /** Without the role, the dialog shows the settings read-only. */
  protected readonly access = computed(() =>
    alertAvailability('manage_windows', this.session.role()),
  );
  protected readonly canEdit = computed(() => this.access().enabled);
  protected readonly f = form(this.model, (path) => {
    disabled(path, () => !this.canEdit());
  });
  protected readonly heading = computed(() => {
    const w = this.original();
    return w ? `Edit window ${w.name}` : 'Add a maintenance window';
  });
  protected readonly saving = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly fieldErrors = computed(() => this.error()?.fieldErrors ?? []);
  protected readonly general = computed(() => generalMessage(this.error(), SHOWN));
  protected readonly scheduleHint = computed(() => {
    const words = cronInWords(this.model().recurrence);
    return `minute hour day month weekday: ${words.startsWith('cron') ? 'see the expression' : words}`;
  });
  protected readonly durationHint = computed(() => {
    const t = this.model().durationMinutes.trim();
    return /^\d+$/.test(t) ? `= ${formatDuration(Number(t) * 60)}` : 'a whole number of minutes';
  });

  protected setScope(scope: ScopeForm): void {
    this.model.update((m) => ({ ...m, ...scope }));
  }

  protected async save(): Promise<void> {
    const original = this.original();
    this.saving.set(true);
    this.error.set(null);
    try {
      const body = windowBody(this.model());
      const view = original
        ? await this.windows.update(original.id, body)
        : await this.windows.create(body);
      this.saved.emit(view);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.saving.set(false);
    }
  }
}
