import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';

import { isAnonymousAuthCall, isOwnApiCall } from './auth-api';
import { AuthService } from './auth.service';
import { problemOf } from './problem';

/** 401 codes that mean this session is over (not merely an access token past its 15 minutes). */
const SESSION_OVER = new Set(['SESSION_REVOKED', 'SESSION_EXPIRED', 'TOKEN_INVALID', 'TOKEN_REUSED']);

const withToken = <T>(request: HttpRequest<T>, token: string | null): HttpRequest<T> =>
  token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;

/**
 * Adds `Authorization: Bearer` to our API calls. An expired access token is refreshed once (concurrent
 * requests share the refresh) and the request replayed; a refused session ends and leads to sign-in.
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isOwnApiCall(request.url) || isAnonymousAuthCall(request.url)) return next(request);
  const auth = inject(AuthService);
  const token = auth.accessToken();
  return next(withToken(request, token)).pipe(
    catchError((error: unknown) => {
      if (!token || !(error instanceof HttpErrorResponse) || error.status !== 401) return throwError(() => error);
      const { code } = problemOf(error);
      if (code === 'TOKEN_EXPIRED') {
        // Another request may already have refreshed while this one was in flight: reuse its token.
        const current = auth.accessToken();
        const fresh = current && current !== token ? Promise.resolve(current) : auth.refresh();
        return from(fresh).pipe(switchMap((newToken) => next(withToken(request, newToken))));
      }
      if (SESSION_OVER.has(code)) auth.endSession('expired');
      return throwError(() => error);
    }),
  );
};
