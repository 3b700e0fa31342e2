import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { LoginResponse, PrincipalView } from '@omni2/contracts';
import type { Request } from 'express';
import { Audited } from '../audit/audited.decorator';
import { Public, RequireRole } from '../common/access.decorator';
import { LoginService } from './login.service';
import { callerOf } from './caller';
import { principalView } from '../common/principal';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly login: LoginService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for an access token' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['username', 'password'],
      properties: { username: { type: 'string' }, password: { type: 'string' } },
    },
  })
  logIn(@Body() body: unknown, @Req() req: Request): Promise<LoginResponse> {
    return this.login.login(body, req.ip ?? 'unknown');
  }

  @Get('me')
  @RequireRole('viewer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller: user or API key, role, and when the credential expires' })
  me(@Req() req: Request): PrincipalView {
    return principalView(callerOf(req));
  }

  @Post('password')
  @RequireRole('viewer')
  @HttpCode(200)
  @Audited('user.change_password', 'user')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your password; other sessions end, a new token is returned' })
  changePassword(@Body() body: unknown, @Req() req: Request): Promise<LoginResponse> {
    return this.login.changePassword(callerOf(req), body);
  }
}
