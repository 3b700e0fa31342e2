import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { MetricsModule } from '../metrics/metrics.module';
import { AuditController } from './audit.controller';
import { AuditEntity } from './audit.entity';
import { AuditGuard } from './audit.guard';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';

/** The audit trail: its writer, the guard and interceptor installed app-wide, the log API. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntity]), CommonModule, MetricsModule],
  controllers: [AuditController],
  providers: [AuditService, AuditGuard, AuditInterceptor],
  exports: [AuditService, AuditGuard, AuditInterceptor],
})
export class AuditModule {}
