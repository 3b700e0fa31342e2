import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import {
  AUDIT_ACTIONS,
  PASSWORD_MIN_LENGTH,
  ROLES,
  type ApiKeyView,
  type AuditEntryView,
  type CreatedApiKey,
  type Role,
  type UserView,
} from '@omni2/contracts';
import { ApiError, describeError, toApiError } from '../core/api-error';
import { Session } from '../core/session.service';
import { Toasts } from '../core/toasts.service';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { Modal } from '../shared/modal';
import { RelativeTime } from '../shared/relative-time';
import { type AuditFilters, detailLines } from './iam-audit';
import { ApiKeysData, AuditData, UsersData } from './iam.data';

type Tab = 'users' | 'keys' | 'audit';

interface Pending {
  kind: 'delete-user' | 'revoke-key';
  id: string;
  label: string;
}

@Component({
  selector: 'o2-iam-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RelativeTime, ConfirmDialog, Modal],
  templateUrl: './iam.page.html',
})
export class IamPage {
  protected readonly users = inject(UsersData);
  protected readonly keys = inject(ApiKeysData);
  protected readonly audit = inject(AuditData);
  private readonly session = inject(Session);
  private readonly toasts = inject(Toasts);

  protected readonly roles = ROLES;
  protected readonly auditActions = AUDIT_ACTIONS;
  /** Each entry with its details as readable lines (computed once per page of entries). */
  protected readonly auditRows = computed(() =>
    this.audit.entries().map((entry) => ({ entry, lines: detailLines(entry.details) })),
  );
  /** Suggestions for the actor filter: the users and keys omni2 knows (any text is allowed). */
  protected readonly actorNames = computed(() =>
    [
      ...new Set([
        ...this.users.list().map((u) => u.username),
        ...this.keys.list().map((k) => k.name),
      ]),
    ].sort(),
  );
  protected readonly minPassword = PASSWORD_MIN_LENGTH;
  protected readonly tab = signal<Tab>('users');
  protected readonly me = computed(() => this.session.principal());

  // New user form
  protected readonly newUser = signal<{ username: string; password: string; role: Role }>({
    username: '',
    password: '',
    role: 'viewer',
  });
  protected readonly userError = signal<ApiError | null>(null);
  protected readonly creatingUser = signal(false);

  // New key form
  protected readonly newKey = signal<{ name: string; role: Role; days: string }>({
    name: '',
    role: 'viewer',
    days: '',
  });
  protected readonly keyError = signal<ApiError | null>(null);
  protected readonly creatingKey = signal(false);
  /** The full key, shown once right after creation. */
  protected readonly createdKey = signal<CreatedApiKey | null>(null);
  protected readonly copied = signal(false);

  // Password reset
  protected readonly resetting = signal<UserView | null>(null);
  protected readonly resetPassword = signal('');
  protected readonly resetError = signal<ApiError | null>(null);

  protected readonly pending = signal<Pending | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    void this.users.load();
    void this.keys.load();
  }

  protected show(tab: Tab): void {
    this.tab.set(tab);
    if (tab === 'audit' && !this.audit.loaded()) void this.audit.load();
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected explain(error: ApiError | null): string {
    return error ? describeError(error) : '';
  }

  protected fieldError(error: ApiError | null, field: string): string | null {
    return error?.fieldError(field) ?? null;
  }

  protected when(iso: string | null): string {
    return formatDateTime(iso);
  }

  /** A filter control changed: text waits for typing to pause, the others apply at once. */
  protected filter(name: keyof AuditFilters, event: Event, debounce = false): void {
    this.audit.setFilters({ [name]: this.value(event) }, debounce);
  }

  protected auditTarget(entry: AuditEntryView): string {
    return entry.target_name ?? entry.target_id ?? '—';
  }

  protected isMe(user: UserView): boolean {
    return this.me()?.kind === 'user' && this.me()?.id === user.id;
  }

  protected keyState(key: ApiKeyView): string {
    if (key.revoked_at) return 'revoked';
    if (key.expires_at && Date.parse(key.expires_at) < Date.now()) return 'expired';
    return 'active';
  }

  protected async createUser(): Promise<void> {
    this.creatingUser.set(true);
    this.userError.set(null);
    try {
      const user = await this.users.create(this.newUser());
      this.toasts.show('success', `User ${user.username} created`);
      this.newUser.set({ username: '', password: '', role: 'viewer' });
    } catch (error) {
      this.userError.set(toApiError(error));
    } finally {
      this.creatingUser.set(false);
    }
  }

  protected async setRole(user: UserView, role: string): Promise<void> {
    await this.updateUser(user, { role: role as Role }, `${user.username} is now ${role}`);
  }

  protected async setDisabled(user: UserView, disabled: boolean): Promise<void> {
    await this.updateUser(
      user,
      { disabled },
      `${user.username} ${disabled ? 'disabled' : 'enabled'}`,
    );
  }

  private async updateUser(
    user: UserView,
    patch: { role?: Role; disabled?: boolean },
    done: string,
  ): Promise<void> {
    try {
      await this.users.update(user.id, patch);
      this.toasts.show('success', done);
    } catch (error) {
      this.toasts.show(
        'error',
        `Could not update ${user.username}: ${describeError(toApiError(error))}`,
      );
      await this.users.load();
    }
  }

  protected async saveReset(): Promise<void> {
    const user = this.resetting();
    if (!user) return;
    this.resetError.set(null);
    try {
      await this.users.update(user.id, { password: this.resetPassword() });
      this.toasts.show('success', `Password of ${user.username} changed`);
      this.resetting.set(null);
      this.resetPassword.set('');
    } catch (error) {
      this.resetError.set(toApiError(error));
    }
  }

  protected async createKey(): Promise<void> {
    this.creatingKey.set(true);
    this.keyError.set(null);
    try {
      const form = this.newKey();
      const days = form.days.trim() === '' ? undefined : Number(form.days);
      const created = await this.keys.create({
        name: form.name,
        role: form.role,
        ...(days === undefined ? {} : { expires_in_days: days }),
      });
      this.createdKey.set(created);
      this.copied.set(false);
      this.newKey.set({ name: '', role: 'viewer', days: '' });
    } catch (error) {
      this.keyError.set(toApiError(error));
    } finally {
      this.creatingKey.set(false);
    }
  }

  protected async copyKey(): Promise<void> {
    const key = this.createdKey()?.key;
    if (!key) return;
    try {
      await navigator.clipboard.writeText(key);
      this.copied.set(true);
    } catch {
      this.toasts.show('warning', 'Copy failed: select the key and copy it by hand');
    }
  }

  protected async confirmPending(): Promise<void> {
    const p = this.pending();
    if (!p) return;
    this.busy.set(true);
    try {
      if (p.kind === 'delete-user') await this.users.remove(p.id);
      else await this.keys.revoke(p.id);
      this.toasts.show('success', `${p.label} ${p.kind === 'delete-user' ? 'deleted' : 'revoked'}`);
      this.pending.set(null);
    } catch (error) {
      this.toasts.show('error', describeError(toApiError(error)));
    } finally {
      this.busy.set(false);
    }
  }
}
