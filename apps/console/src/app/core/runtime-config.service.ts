import { Injectable, computed, inject, signal } from '@angular/core';
import {
  RUNTIME_DEFAULTS,
  type ConfigEntryView,
  type EventEnvelope,
  type RuntimeConfigKey,
  type RuntimeSettings,
} from '@omni2/contracts';
import { Api } from './api';
import { ApiError, toApiError } from './api-error';
import { Realtime } from './realtime.service';

type Entries = { [K in RuntimeConfigKey]?: ConfigEntryView<K> };

/** Runtime settings (`GET|PUT /config/:key`) as signals. */
@Injectable({ providedIn: 'root' })
export class RuntimeConfig {
  private readonly api = inject(Api);
  private readonly entries = signal<Entries>({});
  private readonly errors = signal<{ [K in RuntimeConfigKey]?: ApiError }>({});

  /** The breaker threshold for `k/threshold`; the SPEC default until the API answers. */
  readonly failureThreshold = computed(
    () =>
      this.entries().circuit_breaker?.value.failure_threshold ??
      RUNTIME_DEFAULTS.circuit_breaker.failure_threshold,
  );
  readonly thresholdKnown = computed(() => this.entries().circuit_breaker !== undefined);

  constructor() {
    // A setting changed anywhere: reload the ones this console has loaded.
    inject(Realtime).onEvent((event) => {
      if (event.type !== 'mcp_config_changed') return;
      const data = (event as EventEnvelope<'mcp_config_changed'>).data;
      if (data.key !== 'server' && this.entries()[data.key] !== undefined) void this.load(data.key);
    });
  }

  entry<K extends RuntimeConfigKey>(key: K): ConfigEntryView<K> | undefined {
    return this.entries()[key];
  }

  error(key: RuntimeConfigKey): ApiError | undefined {
    return this.errors()[key];
  }

  async load<K extends RuntimeConfigKey>(key: K): Promise<void> {
    try {
      const entry = await this.api.get<ConfigEntryView<K>>(`/config/${key}`);
      this.entries.update((all) => ({ ...all, [key]: entry }));
      this.errors.update((all) => ({ ...all, [key]: undefined }));
    } catch (error) {
      this.errors.update((all) => ({ ...all, [key]: toApiError(error) }));
    }
  }

  /** Saves a setting; throws ApiError (400 with `errors[]` per field) for the form. */
  async save<K extends RuntimeConfigKey>(key: K, value: RuntimeSettings[K]): Promise<void> {
    const entry = await this.api.put<ConfigEntryView<K>>(`/config/${key}`, value);
    this.entries.update((all) => ({ ...all, [key]: entry }));
  }
}
