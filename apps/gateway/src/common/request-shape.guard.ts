import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from './domain-error';
import { bodyErrorOf } from './lenient-json';
import { PASS_THROUGH_METADATA, bodyProblem, urlPartsProblem } from './request-shape';

/**
 * Global, after authentication: the request is one omni2 can handle end to end. A body the
 * parser refused is reported here (so audited routes record it); path, query and body must be
 * text every store and wire accepts, and the body no deeper than MAX_BODY_DEPTH. Every refusal
 * is a 400 naming the field, before any service (or upstream, or breaker) sees the request.
 */
@Injectable()
export class RequestShapeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const bodyError = bodyErrorOf(req);
    if (bodyError !== undefined) throw bodyError;
    const passThrough =
      this.reflector.get<string[] | undefined>(PASS_THROUGH_METADATA, context.getHandler()) ?? [];
    const problem = urlPartsProblem(req.params, req.query) ?? bodyProblem(req.body, passThrough);
    if (problem) throw DomainError.validation([problem]);
    return true;
  }
}
