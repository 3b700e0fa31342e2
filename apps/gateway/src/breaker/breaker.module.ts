import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { CircuitGate } from './circuit-gate';

/** The circuit gate every upstream call and health check passes through. */
@Module({
  imports: [CommonModule, ConfigModule],
  providers: [CircuitGate],
  exports: [CircuitGate],
})
export class BreakerModule {}
