import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  RUNTIME_CONFIG_KEYS,
  RUNTIME_DEFAULTS,
  type ConfigEntryView,
  type RuntimeConfigKey,
  type RuntimeSettings,
} from '@omni2/contracts';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { parseOrThrow } from '../common/zod-body';
import { RuntimeConfigEntity } from './runtime-config.entity';
import { RUNTIME_SCHEMAS, readStoredSetting } from './runtime-config.schemas';

/** Rows edited directly in the database are seen within this time (SPEC asks for 30 s). */
export const CONFIG_CACHE_TTL_MS = 5_000;

interface Snapshot {
  settings: RuntimeSettings;
  updatedAt: Partial<Record<RuntimeConfigKey, Date>>;
  loadedAt: number;
}

export function isRuntimeConfigKey(key: string): key is RuntimeConfigKey {
  return (RUNTIME_CONFIG_KEYS as readonly string[]).includes(key);
}

/** The one reader and writer of `omni2_config`. */
@Injectable()
export class RuntimeConfigService {
  private readonly log = new Logger('config');
  private snapshot: Snapshot | null = null;
  private loading: Promise<Snapshot> | null = null;

  constructor(
    @InjectRepository(RuntimeConfigEntity)
    private readonly repo: Repository<RuntimeConfigEntity>,
    private readonly clock: Clock,
  ) {}

  async get<K extends RuntimeConfigKey>(key: K): Promise<RuntimeSettings[K]> {
    return (await this.current()).settings[key];
  }

  async entry(key: string): Promise<ConfigEntryView> {
    const known = this.assertKey(key);
    const snapshot = await this.current();
    return {
      key: known,
      value: snapshot.settings[known],
      updated_at: snapshot.updatedAt[known]?.toISOString() ?? null,
    };
  }

  async put(key: string, input: unknown): Promise<ConfigEntryView> {
    const known = this.assertKey(key);
    const value = parseOrThrow(RUNTIME_SCHEMAS[known], input);
    await this.repo.upsert({ key: known, value }, ['key']);
    this.snapshot = null;
    return this.entry(known);
  }

  /** Forces the next read to go to the database. */
  invalidate(): void {
    this.snapshot = null;
  }

  private assertKey(key: string): RuntimeConfigKey {
    if (!isRuntimeConfigKey(key)) {
      throw new DomainError(
        'CONFIG_KEY_UNKNOWN',
        `key: unknown config key "${key}" (known: ${RUNTIME_CONFIG_KEYS.join(', ')})`,
      );
    }
    return key;
  }

  private async current(): Promise<Snapshot> {
    if (this.snapshot && this.clock.now() - this.snapshot.loadedAt < CONFIG_CACHE_TTL_MS)
      return this.snapshot;
    // Concurrent readers share one query.
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(): Promise<Snapshot> {
    const rows = await this.repo.find();
    const settings: RuntimeSettings = { ...RUNTIME_DEFAULTS };
    const updatedAt: Snapshot['updatedAt'] = {};
    for (const row of rows) {
      if (!isRuntimeConfigKey(row.key)) continue;
      this.apply(settings, row.key, row.value);
      updatedAt[row.key] = row.updated_at;
    }
    this.snapshot = { settings, updatedAt, loadedAt: this.clock.now() };
    return this.snapshot;
  }

  private apply<K extends RuntimeConfigKey>(
    settings: RuntimeSettings,
    key: K,
    stored: unknown,
  ): void {
    const { value, valid } = readStoredSetting(key, stored);
    if (!valid) this.log.warn(`stored setting "${key}" is invalid; using defaults until fixed`);
    settings[key] = value;
  }
}
