import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { BreakerModule } from '../breaker/breaker.module';
import { CapabilitiesModule } from '../capabilities/capabilities.module';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { ConnectionsModule } from '../connections/connections.module';
import { HealthLogEntity } from '../health-log/health-log.entity';
import { HealthLogModule } from '../health-log/health-log.module';
import { MetricsModule } from '../metrics/metrics.module';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryModule } from '../registry/registry.module';
import { ConnectionTester, ServerEditor } from '../registry/server-actions';
import { CheckRecorder } from './check-recorder';
import { ConnectionTestService } from './connection-test.service';
import { CriticalAlerts } from './critical-alerts';
import { HealthCheckService } from './health-check.service';
import { HealthProbe } from './health-probe';
import { HealthController } from './health.controller';
import { OperatorActionsService } from './operator-actions.service';

/** Health checks, their recording and alerts, operator actions on servers, trial connections. */
@Module({
  imports: [
    TypeOrmModule.forFeature([McpServerEntity, HealthLogEntity]),
    CommonModule,
    ConfigModule,
    ConnectionsModule,
    RegistryModule,
    CapabilitiesModule,
    BreakerModule,
    HealthLogModule,
    MetricsModule,
    AlertsModule,
  ],
  controllers: [HealthController],
  providers: [
    HealthProbe,
    ConnectionTestService,
    CheckRecorder,
    HealthCheckService,
    OperatorActionsService,
    CriticalAlerts,
    // Typed factories rather than useExisting, so the compiler checks each service fits its port.
    {
      provide: ServerEditor,
      useFactory: (actions: OperatorActionsService): ServerEditor => actions,
      inject: [OperatorActionsService],
    },
    {
      provide: ConnectionTester,
      useFactory: (tests: ConnectionTestService): ConnectionTester => tests,
      inject: [ConnectionTestService],
    },
  ],
  exports: [HealthCheckService, ServerEditor, ConnectionTester],
})
export class HealthModule {}
