import { type DynamicModule, Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import type { AppEnv } from '../config/env.schema';
import { CapabilityCache, InProcessCapabilityCache } from '../connections/capability-cache';
import { EventStream } from '../events/event-stream';
import { InProcessEventStream } from '../events/in-process-event-stream';
import { RedisCapabilityCache } from './redis-capability-cache';
import { RedisConnections } from './redis-connections';
import { RedisEventStream } from './redis-event-stream';

/**
 * What replicas share: the event stream and the capability cache, on Redis when REDIS_URL is
 * set and in process otherwise. Global, like TypeOrmModule.forRoot: the binding depends on the
 * environment, so features could not name the module instance to import, and the tokens
 * (EventStream, CapabilityCache) are declared in the lower folders that use them.
 * RedisConnections is exported only with Redis; its users inject it as optional or only run then.
 */
@Module({})
export class SharedStateModule {
  static forRoot(env: AppEnv): DynamicModule {
    const redis = env.values.REDIS_URL !== undefined;
    return {
      module: SharedStateModule,
      global: true,
      imports: [CommonModule, ConfigModule],
      providers: redis
        ? [
            RedisConnections,
            { provide: CapabilityCache, useClass: RedisCapabilityCache },
            { provide: EventStream, useClass: RedisEventStream },
          ]
        : [
            { provide: CapabilityCache, useClass: InProcessCapabilityCache },
            { provide: EventStream, useClass: InProcessEventStream },
          ],
      exports: redis
        ? [RedisConnections, CapabilityCache, EventStream]
        : [CapabilityCache, EventStream],
    };
  }
}
