import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { ConfigModule } from '../config/config.module';
import { SecretsModule } from '../secrets/secrets.module';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { CallRateLimiter } from './call-rate-limiter';
import { LoginThrottle } from './login-throttle';
import { LoginService } from './login.service';
import { PasswordHasher } from './password-hasher';
import { RouteCatalog } from './route-catalog';
import { TokenService } from './token-service';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Users, API keys, login and tokens; the app-wide guard; per-caller rate limits. */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, ApiKeyEntity]),
    DiscoveryModule,
    CommonModule,
    ConfigModule,
    SecretsModule,
    AuditModule,
  ],
  controllers: [AuthController, UsersController, ApiKeysController],
  providers: [
    PasswordHasher,
    TokenService,
    Authenticator,
    LoginThrottle,
    CallRateLimiter,
    UsersService,
    LoginService,
    ApiKeysService,
    RouteCatalog,
    AuthGuard,
  ],
  exports: [Authenticator, CallRateLimiter, AuthGuard],
})
export class AuthModule {}
