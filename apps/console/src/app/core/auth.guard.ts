import { inject } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { Session } from './session.service';
import { Toasts } from './toasts.service';

/** Pages behind sign-in: restore the session once, else go to the login page. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const session = inject(Session);
  const router = inject(Router);
  if (session.authenticated()) return true;
  if (await session.restore()) return true;
  return router.createUrlTree(['/login'], {
    queryParams: state.url && state.url !== '/' ? { returnUrl: state.url } : {},
  });
};

/** Pages for one role and up (IAM and Settings: admin); others go to the dashboard, told why. */
export const roleGuard =
  (role: 'operator' | 'admin'): CanActivateFn =>
  () => {
    if (inject(Session).hasRole(role)) return true;
    inject(Toasts).show('warning', `That page needs the ${role} role`);
    return inject(Router).createUrlTree(['/']);
  };
