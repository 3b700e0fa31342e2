import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventEnvelope } from '@omni2/contracts';
import { EventStream } from '../events/event-stream';
import { isRuntimeConfigKey, RuntimeConfigService } from '../config/runtime-config.service';

/**
 * Settings stored on one replica apply on every replica at once: the `mcp_config_changed` event
 * of a runtime setting reaches each replica's stream, which drops its cached settings. Without
 * it another replica would keep the old values for up to the cache time (5 s), long enough to
 * schedule a freshly failing server's next check on the old interval.
 */
@Injectable()
export class ConfigChangeListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly config: RuntimeConfigService,
    private readonly stream: EventStream,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.stream.subscribe((event) => {
      if (isSettingChange(event)) this.config.invalidate();
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
  }
}

function isSettingChange(event: EventEnvelope): boolean {
  if (event.type !== 'mcp_config_changed') return false;
  return isRuntimeConfigKey((event as EventEnvelope<'mcp_config_changed'>).data.key);
}
