import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CommonModule } from '../common/common.module';
import { EventsController } from './events.controller';
import { EventsGateway } from './events.gateway';

/** The live event feed: the socket gateway and the replay endpoint. */
@Module({
  imports: [CommonModule, AuthModule],
  controllers: [EventsController],
  providers: [EventsGateway],
  exports: [EventsGateway],
})
export class RealtimeModule {}
