import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAtLeast } from '@omni2/contracts';
import type { Request } from 'express';
import { DomainError } from '../common/domain-error';
import { ACCESS_METADATA, type Access } from '../common/access.decorator';
import { Authenticator } from './authenticator';
import { attachPrincipal, bearerOf } from '../common/principal';

/**
 * Global: every HTTP route needs a valid credential unless it is marked public, and the caller's
 * role must reach the route's. A route with no decision is refused (and the app will not even
 * start with one: see RouteCatalog).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === undefined) throw new Error('route has no access decision');
    if (access === 'public') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const principal = await this.authenticator.authenticate(bearerOf(req.headers.authorization));
    attachPrincipal(req, principal);
    if (!roleAtLeast(principal.role, access)) {
      throw new DomainError(
        'FORBIDDEN',
        `role: this action needs the ${access} role; ${principal.name} is ${principal.role}`,
        undefined,
        { required_role: access, role: principal.role },
      );
    }
    return true;
  }
}
