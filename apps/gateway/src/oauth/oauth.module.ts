import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { SecretsModule } from '../secrets/secrets.module';
import { OAuthAuthorizationEntity } from './oauth-authorization.entity';
import { OAuthPublicUrls } from './oauth-public-urls';
import { OAuthTokenEntity } from './oauth-token.entity';
import { OAuthTokenListener } from './oauth-token-listener';
import { OperatorAuthorization } from './operator-authorization';
import { TokenBroker } from './token-broker';

/**
 * OAuth to upstream servers: the token broker, which the registry wires into each target, and
 * the operator authorization the OAuth flow routes drive.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([OAuthTokenEntity, OAuthAuthorizationEntity]),
    CommonModule,
    SecretsModule,
  ],
  providers: [TokenBroker, OperatorAuthorization, OAuthPublicUrls, OAuthTokenListener],
  exports: [TokenBroker, OperatorAuthorization, OAuthPublicUrls],
})
export class OAuthModule {}
