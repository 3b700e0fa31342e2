import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { HealthModule } from '../health/health.module';
import { OAuthModule } from '../oauth/oauth.module';
import { RegistryModule } from '../registry/registry.module';
import { OAuthFlowController } from './oauth-flow.controller';
import { OAuthFlowService } from './oauth-flow.service';

/** SPEC §11's routes: authorize, callback, token deletion, the client metadata document. */
@Module({
  imports: [RegistryModule, OAuthModule, HealthModule, AuditModule],
  controllers: [OAuthFlowController],
  providers: [OAuthFlowService],
  exports: [],
})
export class OAuthFlowModule {}
