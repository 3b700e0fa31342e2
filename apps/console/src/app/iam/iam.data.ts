import { Injectable, inject, signal } from '@angular/core';
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

/** The audit log (`/audit`), newest first, paged by cursor. */
@Injectable({ providedIn: 'root' })
export class AuditData {
  private readonly api = inject(Api);
  readonly entries = signal<readonly AuditEntryView[]>([]);
  readonly nextCursor = signal<string | null>(null);
  readonly loaded = signal(false);
  readonly loading = signal(false);
  readonly error = signal<ApiError | null>(null);

  async load(): Promise<void> {
    await this.fetch(null);
  }

  async older(): Promise<void> {
    const cursor = this.nextCursor();
    if (cursor) await this.fetch(cursor);
  }

  private async fetch(before: string | null): Promise<void> {
    this.loading.set(true);
    try {
      const page = await this.api.get<AuditPage>('/audit', { before, limit: 50 });
      this.entries.update((l) => (before ? [...l, ...page.items] : page.items));
      this.nextCursor.set(page.next_cursor);
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.loading.set(false);
    }
  }
}
