import type { Request } from 'express';
import { type Principal, principalOf } from '../common/principal';

/** The principal of a route that requires a role: the guard has set it. */
export function callerOf(req: Request): Principal {
  const principal = principalOf(req);
  if (!principal) throw new Error('no principal on an authenticated route');
  return principal;
}
