import { AlertsModule } from '../alerts/alerts.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { ConnectionsModule } from '../connections/connections.module';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { RegistryModule } from '../registry/registry.module';
import { CapabilitiesService } from './capabilities.service';

/** Each server's tools, resources and prompts, fetched upstream and cached. */
@Module({
  imports: [
    TypeOrmModule.forFeature([McpServerEntity]),
    CommonModule,
    ConfigModule,
    ConnectionsModule,
    RegistryModule,
    AlertsModule,
  ],
  providers: [CapabilitiesService],
  exports: [CapabilitiesService],
})
export class CapabilitiesModule {}
