import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthLogEntity } from './health-log.entity';
import { HealthLogService } from './health-log.service';

/** The per-server history of checks and operator actions, and its retention. */
@Module({
  imports: [TypeOrmModule.forFeature([HealthLogEntity])],
  providers: [HealthLogService],
  exports: [HealthLogService],
})
export class HealthLogModule {}
