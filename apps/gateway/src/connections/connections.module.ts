import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { ConnectionManager } from './connection-manager';
import { IdleSessionReaper } from './idle-session-reaper';

/** Live upstream sessions, pooled per server, and the reaper that closes idle ones. */
@Module({
  imports: [CommonModule, ConfigModule],
  providers: [ConnectionManager, IdleSessionReaper],
  exports: [ConnectionManager],
})
export class ConnectionsModule {}
