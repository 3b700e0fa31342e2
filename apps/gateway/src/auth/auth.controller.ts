import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { LoginResponse, PrincipalView } from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { Public, RequireRole } from '../common/access.decorator';
import { LoginService } from './login.service';
import { callerOf } from './caller';
import { principalView } from '../common/principal';
import { changePasswordSchema, loginSchema } from './auth-input.schema';
import { ApiRoute } from '../openapi/api-route';
import { loginResponseSchema, principalViewSchema } from '../openapi/view-schemas';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly login: LoginService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiRoute({
    operationId: 'logIn',
    summary: 'Exchange a username and password for an access token',
    ok: { schema: loginResponseSchema, description: 'The access token' },
    errors: ['UNAUTHENTICATED', 'RATE_LIMITED'],
    requestExample: { username: 'admin', password: 'correct horse battery staple' },
  })
  logIn(@Body({ schema: loginSchema }) body: unknown, @Req() req: Request): Promise<LoginResponse> {
    return this.login.login(body, req.ip ?? 'unknown');
  }

  @Get('me')
  @RequireRole('viewer')
  @ApiRoute({
    operationId: 'whoAmI',
    summary: 'The caller: user or API key, role, and when the credential expires',
    ok: { schema: principalViewSchema, description: 'The caller' },
  })
  me(@Req() req: Request): PrincipalView {
    return principalView(callerOf(req));
  }

  @Post('password')
  @RequireRole('viewer')
  @HttpCode(200)
  @Audited('user.change_password', 'user')
  @ApiRoute({
    operationId: 'changePassword',
    summary: 'Change your password; other sessions end, a new token is returned',
    ok: { schema: loginResponseSchema, description: 'A new access token' },
    requestExample: {
      current_password: 'correct horse battery staple',
      new_password: 'a longer passphrase than before',
    },
  })
  changePassword(
    @Body({ schema: changePasswordSchema }) body: unknown,
    @Req() req: Request,
  ): Promise<LoginResponse> {
    return this.login.changePassword(callerOf(req), body);
  }
}
