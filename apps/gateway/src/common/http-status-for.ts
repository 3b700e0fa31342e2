import { HttpStatus } from '@nestjs/common';
import type { ErrorCode } from '@omni2/contracts';

/** Exhaustive: adding a code to contracts without deciding its status fails the type check. */
export function httpStatusFor(code: ErrorCode): HttpStatus {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'TOOL_ARGUMENTS_INVALID':
    case 'OAUTH_AUTHORIZATION_FAILED':
      return HttpStatus.BAD_REQUEST;
    case 'UNAUTHENTICATED':
    case 'SESSION_EXPIRED':
      return HttpStatus.UNAUTHORIZED;
    case 'FORBIDDEN':
      return HttpStatus.FORBIDDEN;
    case 'RATE_LIMITED':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'USER_NOT_FOUND':
    case 'API_KEY_NOT_FOUND':
    case 'SERVER_NOT_FOUND':
    case 'TOOL_NOT_FOUND':
    case 'TOOL_INPUT_NOT_FOUND':
    case 'TOOL_RUN_NOT_FOUND':
    case 'CONFIG_KEY_UNKNOWN':
    case 'ROUTE_NOT_FOUND':
    case 'ALERT_NOT_FOUND':
      return HttpStatus.NOT_FOUND;
    case 'USERNAME_TAKEN':
    case 'SERVER_NAME_TAKEN':
    case 'SERVER_DISABLED':
    case 'OAUTH_NOT_AUTHORIZABLE':
    case 'ALERT_NAME_TAKEN':
      return HttpStatus.CONFLICT;
    case 'UPSTREAM_UNAVAILABLE':
      return HttpStatus.BAD_GATEWAY;
    case 'UPSTREAM_TIMEOUT':
      return HttpStatus.GATEWAY_TIMEOUT;
    case 'CIRCUIT_OPEN':
    case 'DEPENDENCY_UNAVAILABLE':
      return HttpStatus.SERVICE_UNAVAILABLE;
    case 'INTERNAL':
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}
