import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuditModule } from '../audit/audit.module';
import { CoordinatorModule } from '../coordinator/coordinator.module';
import { HealthModule } from '../health/health.module';
import { ShutdownModule } from '../shutdown/shutdown.module';
import { ProbesController } from './probes.controller';

/** /health/live and /health/ready for orchestrators. */
@Module({
  imports: [TerminusModule, HealthModule, CoordinatorModule, ShutdownModule, AuditModule],
  controllers: [ProbesController],
})
export class ProbesModule {}
