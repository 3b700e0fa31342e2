import { Module } from '@nestjs/common';
import { CoordinatorModule } from '../coordinator/coordinator.module';
import { MetricsModule } from '../metrics/metrics.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { RegistryModule } from '../registry/registry.module';
import { MetricsScrape } from './metrics-scrape';
import { MetricsController } from './metrics.controller';

/** GET /metrics: the instruments plus gauges read at scrape time from the features above. */
@Module({
  imports: [MetricsModule, RegistryModule, CoordinatorModule, RealtimeModule],
  controllers: [MetricsController],
  providers: [MetricsScrape],
})
export class MetricsEndpointModule {}
