import { Injectable, inject, signal } from '@angular/core';
import type { CapabilitiesView } from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';
import { Realtime } from './realtime.service';

export interface CapabilitiesEntry {
  view: CapabilitiesView | null;
  error: ApiError | null;
  loading: boolean;
}

/** Tools, prompts and resources per server, refetched when the server announces a change. */
@Injectable({ providedIn: 'root' })
export class CapabilitiesService {
  private readonly api = inject(Api);
  private readonly entries = signal<ReadonlyMap<string, CapabilitiesEntry>>(new Map());

  constructor() {
    inject(Realtime).onEvent((event) => {
      if (event.type === 'capabilities_changed' && event.server_id) {
        if (this.entries().has(event.server_id)) void this.load(event.server_id);
      }
    });
  }

  entry(id: string): CapabilitiesEntry | undefined {
    return this.entries().get(id);
  }

  async load(id: string): Promise<void> {
    const previous = this.entries().get(id);
    this.set(id, { view: previous?.view ?? null, error: null, loading: true });
    try {
      const view = await this.api.get<CapabilitiesView>(`/mcp/servers/${id}/capabilities`);
      this.set(id, { view, error: null, loading: false });
    } catch (error) {
      this.set(id, { view: previous?.view ?? null, error: toApiError(error), loading: false });
    }
  }

  private set(id: string, entry: CapabilitiesEntry): void {
    this.entries.update((m) => new Map(m).set(id, entry));
  }
}
