import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditGuard } from './audit/audit.guard';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { DomainErrorFilter } from './common/domain-error.filter';
import { RequestShapeGuard } from './common/request-shape.guard';
import { EnvModule } from './config/env.module';
import { AppEnv } from './config/env.schema';
import { CoordinatorModule } from './coordinator/coordinator.module';
import { dataSourceOptions } from './database/data-source-options';
import { ENTITIES } from './entities';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { loggerOptions } from './logging/logger.options';
import { MetricsEndpointModule } from './metrics-endpoint/metrics-endpoint.module';
import { AlertsModule } from './alerts/alerts.module';
import { OAuthFlowModule } from './oauth-flow/oauth-flow.module';
import { ProbesModule } from './probes/probes.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SharedStateModule } from './redis/shared-state.module';
import { RegistryApiModule } from './registry/registry-api.module';
import { SecretsModule } from './secrets/secrets.module';
import { SettingsModule } from './settings/settings.module';
import { ShutdownModule } from './shutdown/shutdown.module';
import { ToolsModule } from './tools/tools.module';

export interface AppOptions {
  env: AppEnv;
  /** The database actually used: DATABASE_URL, or the embedded one's URL. */
  databaseUrl: string;
}

/**
 * Only composition: the framework's root modules, the feature modules (each importing what it
 * uses; see docs/ARCHITECTURE.md, "Module graph") and the app-wide filter, guards and interceptor.
 */
@Module({})
export class AppModule {
  static forRoot({ env, databaseUrl }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.values)),
        TypeOrmModule.forRoot(
          dataSourceOptions(databaseUrl, env.values.DATABASE_POOL_SIZE, ENTITIES),
        ),
        ScheduleModule.forRoot(),
        EnvModule.forRoot(env),
        SharedStateModule.forRoot(env),
        // Whoever edits and test-connects servers for the registry's API: health does.
        RegistryApiModule.register(HealthModule),
        HealthModule,
        OAuthFlowModule,
        AlertsModule,
        ToolsModule.forRoot(env),
        SettingsModule,
        ProbesModule,
        AuthModule,
        AuditModule,
        RealtimeModule,
        MetricsEndpointModule,
        CoordinatorModule,
        SecretsModule,
        LoggingModule,
        ShutdownModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        // Global guards run in this order: the audit trail starts first so that whatever refuses
        // the request later (role, body) is recorded; the shape check needs the caller known.
        { provide: APP_GUARD, useExisting: AuditGuard },
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useClass: RequestShapeGuard },
        { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
      ],
    };
  }
}
