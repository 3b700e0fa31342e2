import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventEnvelope } from '@omni2/contracts';
import { PinoLogger } from 'nestjs-pino';
import { AppEnv } from '../config/env.schema';
import { CONFIG_CACHE_TTL_MS, RuntimeConfigService } from '../config/runtime-config.service';
import { EventStream } from '../events/event-stream';
import { effectiveLogging, logControls } from './log-controls';

/**
 * Applies the `logging` runtime setting without a restart: at once on the replica that stored
 * it and on the others when its `mcp_config_changed` event arrives; an edit made directly in the
 * database within the config cache time. Until an operator sets it, LOG_LEVEL applies.
 */
@Injectable()
export class LogSettingsApplier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('logging');
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: () => void = () => undefined;
  private applied = '';

  constructor(
    private readonly config: RuntimeConfigService,
    private readonly stream: EventStream,
    private readonly env: AppEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (PinoLogger.root) logControls.attach(PinoLogger.root);
    await this.apply();
    this.timer = setInterval(() => void this.apply(), CONFIG_CACHE_TTL_MS);
    this.timer.unref();
    this.unsubscribe = this.stream.subscribe((event) => {
      if (!isLoggingChange(event)) return;
      this.config.invalidate();
      void this.apply();
    });
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
  }

  async apply(): Promise<void> {
    try {
      const settings = effectiveLogging(
        await this.config.entry('logging'),
        this.env.values.LOG_LEVEL,
      );
      const key = JSON.stringify(settings);
      if (key === this.applied) return;
      // Said before the switch, so a replica going quieter still tells why.
      if (this.applied !== '') this.log.log(`logging settings now ${key}`);
      this.applied = key;
      logControls.apply(settings.level, settings.component_names);
    } catch (error) {
      this.log.warn(`could not read the logging setting: ${String(error)}`);
    }
  }
}

function isLoggingChange(event: EventEnvelope): boolean {
  return (
    event.type === 'mcp_config_changed' &&
    (event as EventEnvelope<'mcp_config_changed'>).data.key === 'logging'
  );
}
