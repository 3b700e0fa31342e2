import { Injectable, computed, inject, signal } from '@angular/core';
import type {
  ApiKeyView,
  AuditEntryView,
  AuditPage,
  CreateApiKeyRequest,
  CreateUserRequest,
  CreatedApiKey,
  UpdateUserRequest,
  UserView,
} from '@omni2/contracts';
import { Api } from '../core/api';
import { ApiError, toApiError } from '../core/api-error';
import {
  AUDIT_FILTER_DEBOUNCE_MS,
  type AuditFilters,
  NO_AUDIT_FILTERS,
  auditQuery,
  hasAuditFilters,
} from './iam-audit';

/** Lists come back as an array or as `{ items }`; accept both. */
export function itemsOf<T>(body: T[] | { items: T[] } | null | undefined): T[] {
  if (Array.isArray(body)) return body;
  return body?.items ?? [];
}

/** Users (`/users`) as signals. Mutations throw ApiError for the forms. */
@Injectable({ providedIn: 'root' })
export class UsersData {
  private readonly api = inject(Api);
  readonly list = signal<readonly UserView[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<ApiError | null>(null);

  async load(): Promise<void> {
    try {
      this.list.set(itemsOf(await this.api.get<UserView[] | { items: UserView[] }>('/users')));
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      this.error.set(toApiError(error));
    }
  }

  async create(request: CreateUserRequest): Promise<UserView> {
    const user = await this.api.post<UserView>('/users', request);
    this.list.update((l) => [...l, user]);
    return user;
  }

  async update(id: string, patch: UpdateUserRequest): Promise<UserView> {
    const user = await this.api.patch<UserView>(`/users/${id}`, patch);
    this.list.update((l) => l.map((u) => (u.id === id ? user : u)));
    return user;
  }

  async remove(id: string): Promise<void> {
    await this.api.delete(`/users/${id}`);
    this.list.update((l) => l.filter((u) => u.id !== id));
  }
}

/** API keys (`/api-keys`) as signals; the full key exists only in the create answer. */
@Injectable({ providedIn: 'root' })
export class ApiKeysData {
  private readonly api = inject(Api);
  readonly list = signal<readonly ApiKeyView[]>([]);
  readonly loaded = signal(false);
  readonly error = signal<ApiError | null>(null);

  async load(): Promise<void> {
    try {
      this.list.set(
        itemsOf(await this.api.get<ApiKeyView[] | { items: ApiKeyView[] }>('/api-keys')),
      );
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      this.error.set(toApiError(error));
    }
  }

  async create(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const created = await this.api.post<CreatedApiKey>('/api-keys', request);
    const view: Partial<CreatedApiKey> = { ...created };
    delete view.key;
    this.list.update((l) => [view as ApiKeyView, ...l]);
    return created;
  }

  async revoke(id: string): Promise<void> {
    await this.api.delete(`/api-keys/${id}`);
    // Revoked keys may stay listed (with revoked_at) or disappear: ask the gateway.
    await this.load();
  }
}

/**
 * The audit log (`/audit`), newest first, paged by cursor, filtered on the gateway. Text filters
 * wait for typing to pause; an answer to an older query never replaces a newer one.
 */
@Injectable({ providedIn: 'root' })
export class AuditData {
  private readonly api = inject(Api);
  readonly entries = signal<readonly AuditEntryView[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loaded = signal(false);
  readonly loading = signal(false);
  readonly error = signal<ApiError | null>(null);
  readonly filters = signal<AuditFilters>(NO_AUDIT_FILTERS);
  readonly filtered = computed(() => hasAuditFilters(this.filters()));
  private debounce: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every request: only the answer to the latest one is kept. */
  private generation = 0;

  async load(): Promise<void> {
    this.cancelPending();
    await this.fetch(null);
  }

  async older(): Promise<void> {
    const cursor = this.nextCursor();
    if (cursor) await this.fetch(cursor);
  }

  /** Changes filters and reloads: at once, or once typing has paused (`debounce`). */
  setFilters(patch: Partial<AuditFilters>, debounce = false): void {
    this.filters.update((f) => ({ ...f, ...patch }));
    this.cancelPending();
    if (debounce) {
      this.debounce = setTimeout(() => {
        this.debounce = null;
        void this.fetch(null);
      }, AUDIT_FILTER_DEBOUNCE_MS);
    } else {
      void this.fetch(null);
    }
  }

  clearFilters(): void {
    this.setFilters(NO_AUDIT_FILTERS);
  }

  private cancelPending(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
  }

  private async fetch(before: string | null): Promise<void> {
    const generation = ++this.generation;
    this.loading.set(true);
    try {
      const page = await this.api.get<AuditPage>('/audit', {
        ...auditQuery(this.filters(), before),
      });
      if (generation !== this.generation) return;
      this.entries.update((l) => (before ? [...l, ...page.items] : page.items));
      this.nextCursor.set(page.next_cursor);
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      if (generation !== this.generation) return;
      this.error.set(toApiError(error));
      // A refused filter shows no rows from the previous one.
      if (!before) {
        this.entries.set([]);
        this.nextCursor.set(null);
      }
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}
