import { Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** The counters and histograms features update; MetricsEndpointModule serves them. */
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
