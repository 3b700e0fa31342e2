import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { HealthLogModule } from '../health-log/health-log.module';
import { HealthModule } from '../health/health.module';
import { MetricsModule } from '../metrics/metrics.module';
import { McpServerEntity } from '../registry/mcp-server.entity';
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
  ],
  providers: [ClaimStore, CoordinatorService],
  exports: [CoordinatorService],
})
export class CoordinatorModule {}
