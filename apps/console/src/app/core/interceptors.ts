import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { API_BASE } from './api';
import { toApiError } from './api-error';
import { Session } from './session.service';

/** Adds the bearer token to API calls. */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const token = inject(Session).token();
  if (!token || !request.url.startsWith(API_BASE)) return next(request);
  return next(request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }));
};

/**
 * A 401 on any call but the login itself ends the session: back to the login page with the
 * gateway's code (`SESSION_EXPIRED` or `UNAUTHENTICATED`) as the reason.
 */
export const sessionInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(Session);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (
        error instanceof HttpErrorResponse &&
        error.status === 401 &&
        !request.url.endsWith('/auth/login') &&
        !request.url.endsWith('/auth/me') &&
        !request.url.endsWith('/auth/password')
      ) {
        const code = toApiError(error).code;
        session.end(code === 'SESSION_EXPIRED' ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED');
      }
      return throwError(() => error);
    }),
  );
};
