import { Injectable } from '@nestjs/common';
import type { ConfigEntryView, LoggingSettings } from '@omni2/contracts';
import { EventStream } from '../events/event-stream';
import { effectiveLogging, type LevelName } from '../logging/log-controls';
import { AppEnv } from '../config/env.schema';
import { RuntimeConfigService } from '../config/runtime-config.service';

/** Operator edits of runtime settings: stored, then announced so consoles refresh them. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly config: RuntimeConfigService,
    private readonly events: EventStream,
    private readonly env: AppEnv,
  ) {}

  /**
   * A setting as stored. `logging` that no operator has set means "each replica logs at its
   * LOG_LEVEL", so it answers with the level this replica actually uses, not the default.
   */
  async entry(key: string): Promise<ConfigEntryView> {
    return withEffectiveLogLevel(await this.config.entry(key), this.env.values.LOG_LEVEL);
  }

  async put(key: string, body: unknown): Promise<ConfigEntryView> {
    const entry = await this.config.put(key, body);
    await this.events.publish([
      {
        type: 'mcp_config_changed',
        server_id: null,
        mcp_name: null,
        severity: 'info',
        data: { key: entry.key, action: 'updated', server: null },
      },
    ]);
    return entry;
  }
}

/** An unset `logging` entry shows `envLevel`, unless that is `silent`, which it cannot express. */
export function withEffectiveLogLevel(
  entry: ConfigEntryView,
  envLevel: LevelName,
): ConfigEntryView {
  if (entry.key !== 'logging' || entry.updated_at !== null) return entry;
  const effective = effectiveLogging(entry, envLevel);
  return effective.level === 'silent' ? entry : { ...entry, value: effective as LoggingSettings };
}
