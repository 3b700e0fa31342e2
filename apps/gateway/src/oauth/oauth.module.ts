import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from '../common/common.module';
import { SecretsModule } from '../secrets/secrets.module';
import { OAuthTokenEntity } from './oauth-token.entity';
import { TokenBroker } from './token-broker';

/** OAuth to upstream servers: the token broker, which the registry wires into each target. */
@Module({
  imports: [TypeOrmModule.forFeature([OAuthTokenEntity]), CommonModule, SecretsModule],
  providers: [TokenBroker],
  exports: [TokenBroker],
})
export class OAuthModule {}
