import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuditController } from './audit/audit.controller';
import { AuditGuard } from './audit/audit.guard';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditService } from './audit/audit.service';
import { ApiKeysController } from './auth/api-keys.controller';
import { ApiKeysService } from './auth/api-keys.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { Authenticator } from './auth/authenticator';
import { CallRateLimiter } from './auth/call-rate-limiter';
import { LoginService } from './auth/login.service';
import { LoginThrottle } from './auth/login-throttle';
import { PasswordHasher } from './auth/password-hasher';
import { RouteCatalog } from './auth/route-catalog';
import { TokenService } from './auth/token-service';
import { UsersController } from './auth/users.controller';
import { UsersService } from './auth/users.service';
import { CapabilitiesService } from './capabilities/capabilities.service';
import { Clock } from './common/clock';
import { ReplicaIdentity } from './common/replica-identity';
import { DomainErrorFilter } from './common/domain-error.filter';
import { RequestShapeGuard } from './common/request-shape.guard';
import { ConfigController } from './settings/config.controller';
import { AppEnv } from './config/env.schema';
import { ConfigChangeListener } from './settings/config-change-listener';
import { RuntimeConfigService } from './config/runtime-config.service';
import { SettingsService } from './settings/settings.service';
import { CapabilityCache, InProcessCapabilityCache } from './connections/capability-cache';
import { ConnectionManager } from './connections/connection-manager';
import { ClaimStore } from './coordinator/claim-store';
import { CoordinatorService } from './coordinator/coordinator.service';
import { dataSourceOptions } from './database/data-source-options';
import { EventStream } from './events/event-stream';
import { InProcessEventStream } from './events/in-process-event-stream';
import { EventsController } from './realtime/events.controller';
import { EventsGateway } from './realtime/events.gateway';
import { RedisCapabilityCache } from './redis/redis-capability-cache';
import { RedisConnections } from './redis/redis-connections';
import { RedisEventStream } from './redis/redis-event-stream';
import { HealthLogService } from './health-log/health-log.service';
import { CriticalAlerts } from './health/critical-alerts';
import { OperatorActionsService } from './health/operator-actions.service';
import { CheckRecorder } from './health/check-recorder';
import { CircuitGate } from './breaker/circuit-gate';
import { HealthCheckService } from './health/health-check.service';
import { HealthController } from './health/health.controller';
import { HealthProbe } from './health/health-probe';
import { ConnectionTestService } from './health/connection-test.service';
import { LogSettingsApplier } from './logging/log-settings.applier';
import { loggerOptions } from './logging/logger.options';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './metrics-endpoint/metrics.controller';
import { MetricsScrape } from './metrics-endpoint/metrics-scrape';
import { ProbesController } from './probes/probes.controller';
import { RegistryController, StdioAllowlistController } from './registry/registry.controller';
import { RegistryService } from './registry/registry.service';
import { ServerListSnapshot } from './registry/server-list.snapshot';
import { ShutdownState } from './shutdown/shutdown-state';
import { ENTITIES } from './entities';
import { StdioAllowlist } from './registry/stdio-allowlist';
import { EncryptionKeyring } from './common/encryption-key';
import { InstanceSecrets } from './secrets/instance-secrets';
import { LegacySecretsSealer } from './secrets/legacy-secrets';
import { SecretCodec } from './secrets/secret-codec';
import { IdleSessionReaper } from './connections/idle-session-reaper';
import { ArgumentValidator } from './tools/argument-validator';
import { InputRelay, LocalInputRelay, RedisInputRelay } from './tools/input-relay';
import { LiveRuns } from './tools/live-runs';
import { PausedRuns } from './tools/paused-runs';
import { UpstreamReadsController } from './tools/upstream-reads.controller';
import { UpstreamReadsService } from './tools/upstream-reads.service';
import { ToolExecutionService } from './tools/tool-execution.service';
import { ToolsController } from './tools/tools.controller';

export interface AppOptions {
  env: AppEnv;
  /** The database actually used: DATABASE_URL, or the embedded one's URL. */
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ env, databaseUrl }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(env.values)),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, env.values.DATABASE_POOL_SIZE)),
        TypeOrmModule.forFeature(ENTITIES),
        DiscoveryModule,
        TerminusModule,
        ScheduleModule.forRoot(),
      ],
      controllers: [
        RegistryController,
        StdioAllowlistController,
        HealthController,
        ToolsController,
        UpstreamReadsController,
        ConfigController,
        ProbesController,
        AuthController,
        UsersController,
        ApiKeysController,
        AuditController,
        EventsController,
        MetricsController,
      ],
      providers: [
        { provide: AppEnv, useValue: env },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        // Global guards run in this order: the audit trail starts first so that whatever refuses
        // the request later (role, body) is recorded; the shape check needs the caller known.
        { provide: APP_GUARD, useClass: AuditGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RequestShapeGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: InstanceSecrets, useFactory: () => InstanceSecrets.resolve(env.values) },
        {
          provide: EncryptionKeyring,
          useFactory: (s: InstanceSecrets) => s.keyring,
          inject: [InstanceSecrets],
        },
        PasswordHasher,
        TokenService,
        Authenticator,
        LoginThrottle,
        CallRateLimiter,
        UsersService,
        LoginService,
        ApiKeysService,
        AuditService,
        RouteCatalog,
        StdioAllowlist,
        LegacySecretsSealer,
        EventsGateway,
        ...(env.values.REDIS_URL === undefined
          ? [
              { provide: CapabilityCache, useClass: InProcessCapabilityCache },
              { provide: EventStream, useClass: InProcessEventStream },
              { provide: InputRelay, useClass: LocalInputRelay },
            ]
          : [
              RedisConnections,
              { provide: CapabilityCache, useClass: RedisCapabilityCache },
              { provide: EventStream, useClass: RedisEventStream },
              { provide: InputRelay, useClass: RedisInputRelay },
            ]),
        Clock,
        ReplicaIdentity,
        SecretCodec,
        RuntimeConfigService,
        SettingsService,
        ConfigChangeListener,
        ConnectionManager,
        IdleSessionReaper,
        ServerListSnapshot,
        RegistryService,
        CapabilitiesService,
        HealthProbe,
        ConnectionTestService,
        CheckRecorder,
        CircuitGate,
        HealthCheckService,
        HealthLogService,
        OperatorActionsService,
        CriticalAlerts,
        ClaimStore,
        CoordinatorService,
        ArgumentValidator,
        ToolExecutionService,
        PausedRuns,
        LiveRuns,
        UpstreamReadsService,
        Metrics,
        MetricsScrape,
        LogSettingsApplier,
        ShutdownState,
      ],
    };
  }
}
