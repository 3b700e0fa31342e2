import { AlertsModule } from '../alerts/alerts.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { HealthLogModule } from '../health-log/health-log.module';
import { HealthModule } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { SettingsModule } from '../settings/settings.module';
import { ClaimStore } from './claim-store';
import { CoordinatorService } from './coordinator.service';

/** The loop that claims due servers across replicas and runs their health checks. */
@Module({
  imports: [
    TypeOrmModule.forFeature([McpServerEntity]),
    CommonModule,
    ConfigModule,
    HealthModule,
    HealthLogModule,
    MetricsModule,
    AlertsModule,
    // Not injected: imported so that Nest, which runs hooks deepest module first, has stored log
    // settings applied and the cross-replica settings listener live before the loop starts,
    // and stops the loop before them, as when all providers shared one module.
    LoggingModule,
    SettingsModule,
  ],
  providers: [ClaimStore, CoordinatorService],
  exports: [CoordinatorService],
})
export class CoordinatorModule {}
