import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { RuntimeConfigKey, RuntimeSettings } from '@omni2/contracts';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { RuntimeConfig } from '../core/runtime-config.service';
import { Session } from '../core/session.service';
import { Toasts } from '../core/toasts.service';
import { RelativeTime } from '../shared/relative-time';
import {
  LEVELS,
  SECTIONS,
  fieldText,
  parseField,
  type SettingField,
  type SettingSection,
} from './settings-fields';

type Drafts = Partial<Record<RuntimeConfigKey, Record<string, string>>>;

@Component({
  selector: 'o2-settings-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RelativeTime],
  templateUrl: './settings.page.html',
})
export class SettingsPage {
  protected readonly config = inject(RuntimeConfig);
  private readonly toasts = inject(Toasts);
  private readonly session = inject(Session);
  protected readonly sections = SECTIONS;
  protected readonly levels = LEVELS;
  protected readonly canEdit = computed(() => this.session.hasRole('admin'));
  /** Edited but unsaved text per field; untouched fields show the stored value. */
  protected readonly drafts = signal<Drafts>({});
  protected readonly errors = signal<Partial<Record<RuntimeConfigKey, ApiError>>>({});
  protected readonly saving = signal<RuntimeConfigKey | null>(null);

  constructor() {
    for (const s of SECTIONS) void this.config.load(s.key);
  }

  protected stored(section: SettingSection): Record<string, unknown> | null {
    const entry = this.config.entry(section.key);
    return entry ? (entry.value as unknown as Record<string, unknown>) : null;
  }

  protected text(section: SettingSection, field: SettingField): string {
    const draft = this.drafts()[section.key]?.[field.key];
    if (draft !== undefined) return draft;
    return fieldText(field.type, this.stored(section)?.[field.key]);
  }

  protected dirty(section: SettingSection): boolean {
    return Object.keys(this.drafts()[section.key] ?? {}).length > 0;
  }

  protected edit(section: SettingSection, field: SettingField, value: string): void {
    this.drafts.update((d) => ({ ...d, [section.key]: { ...d[section.key], [field.key]: value } }));
  }

  protected input(event: Event): string {
    const target = event.target as HTMLInputElement;
    return target.type === 'checkbox' ? String(target.checked) : target.value;
  }

  protected fieldError(section: SettingSection, field: SettingField): string | null {
    const error = this.errors()[section.key];
    return (
      error?.fieldErrors.find((e) => e.field === field.key || e.field.endsWith(`.${field.key}`))
        ?.message ?? null
    );
  }

  protected generalError(section: SettingSection): string | null {
    const error = this.errors()[section.key];
    if (!error) return null;
    const known = new Set(section.fields.map((f) => f.key));
    const other = error.fieldErrors.filter((e) => !known.has(e.field.split('.').pop() ?? ''));
    if (error.fieldErrors.length > 0 && other.length === 0) return 'Fix the marked fields.';
    return other.length > 0
      ? other.map((e) => `${e.field}: ${e.message}`).join('; ')
      : describeError(error);
  }

  protected loadError(section: SettingSection): string | null {
    const error = this.config.error(section.key);
    return error ? describeError(error) : null;
  }

  /** Ids tie each field to its label, help and error (`for`, `aria-describedby`). */
  protected fieldId(section: SettingSection, field: SettingField): string {
    return `setting-${section.key}-${field.key}`;
  }

  protected describedBy(id: string, error: string | null): string {
    return error ? `${id}-help ${id}-error` : `${id}-help`;
  }

  /** Why Save is disabled (tooltip and screen-reader description); null while it is enabled. */
  protected saveHint(section: SettingSection): string | null {
    if (!this.canEdit()) return 'Needs the admin role';
    if (this.saving() === section.key) return 'Saving…';
    if (!this.dirty(section)) return 'No changes to save';
    return null;
  }

  protected reset(section: SettingSection): void {
    this.drafts.update((d) => ({ ...d, [section.key]: undefined }));
    this.errors.update((e) => ({ ...e, [section.key]: undefined }));
  }

  protected async save(section: SettingSection): Promise<void> {
    const stored = this.stored(section);
    if (!stored) return;
    const value: Record<string, unknown> = { ...stored };
    for (const field of section.fields) {
      const draft = this.drafts()[section.key]?.[field.key];
      if (draft !== undefined) value[field.key] = parseField(field.type, draft);
    }
    this.saving.set(section.key);
    this.errors.update((e) => ({ ...e, [section.key]: undefined }));
    try {
      await this.config.save(section.key, value as unknown as RuntimeSettings[typeof section.key]);
      this.drafts.update((d) => ({ ...d, [section.key]: undefined }));
      this.toasts.show('success', `${section.title} saved: applied without restart`);
    } catch (error) {
      this.errors.update((e) => ({ ...e, [section.key]: toApiError(error) }));
    } finally {
      this.saving.set(null);
    }
  }
}
