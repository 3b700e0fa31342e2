import { Injectable } from '@nestjs/common';
import type { ConfigEntryView } from '@omni2/contracts';
import { EventStream } from '../events/event-stream';
import { RuntimeConfigService } from './runtime-config.service';

/** Operator edits of runtime settings: stored, then announced so consoles refresh them. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly config: RuntimeConfigService,
    private readonly events: EventStream,
  ) {}

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
