import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { ConnectionsModule } from '../connections/connections.module';
import { OAuthModule } from '../oauth/oauth.module';
import { SecretsModule } from '../secrets/secrets.module';
import { McpServerEntity } from './mcp-server.entity';
import { RegistryService } from './registry.service';
import { ServerListSnapshot } from './server-list.snapshot';
import { StdioAllowlist } from './stdio-allowlist';

/** The registered servers: storage, the cached list snapshot and the stdio allowlist. */
@Module({
  imports: [
    TypeOrmModule.forFeature([McpServerEntity]),
    CommonModule,
    ConnectionsModule,
    SecretsModule,
    OAuthModule,
  ],
  providers: [RegistryService, ServerListSnapshot, StdioAllowlist],
  exports: [RegistryService, ServerListSnapshot],
})
export class RegistryModule {}
