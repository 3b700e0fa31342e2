import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BreakerModule } from '../breaker/breaker.module';
import { CapabilitiesModule } from '../capabilities/capabilities.module';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import type { AppEnv } from '../config/env.schema';
import { ConnectionsModule } from '../connections/connections.module';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RegistryModule } from '../registry/registry.module';
import { ArgumentValidator } from './argument-validator';
import { InputRelay, LocalInputRelay, RedisInputRelay } from './input-relay';
import { LiveRuns } from './live-runs';
import { PausedRuns } from './paused-runs';
import { ToolExecutionService } from './tool-execution.service';
import { ToolsController } from './tools.controller';
import { UpstreamReadsController } from './upstream-reads.controller';
import { UpstreamReadsService } from './upstream-reads.service';

/**
 * Tool runs (including paused, interactive ones) and reads of resources and prompts. Input for a
 * paused run reaches the replica holding it through Redis when REDIS_URL is set.
 */
@Module({})
export class ToolsModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: ToolsModule,
      imports: [
        CommonModule,
        ConfigModule,
        ConnectionsModule,
        RegistryModule,
        CapabilitiesModule,
        BreakerModule,
        HealthModule,
        AuthModule,
        MetricsModule,
      ],
      controllers: [ToolsController, UpstreamReadsController],
      providers: [
        {
          provide: InputRelay,
          useClass: env.values.REDIS_URL === undefined ? LocalInputRelay : RedisInputRelay,
        },
        ArgumentValidator,
        ToolExecutionService,
        PausedRuns,
        LiveRuns,
        UpstreamReadsService,
      ],
    };
  }
}
