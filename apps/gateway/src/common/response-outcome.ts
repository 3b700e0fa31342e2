import type { ErrorCode } from '@omni2/contracts';
import type { Response } from 'express';

const ERROR_CODE = Symbol('omni2.errorCode');

type WithErrorCode = Response & { [ERROR_CODE]?: ErrorCode };

/** Set by the exception filter: the code a request failed with, for whoever reports on it. */
export function noteErrorCode(res: Response, code: ErrorCode): void {
  (res as WithErrorCode)[ERROR_CODE] = code;
}

export function errorCodeOf(res: Response): ErrorCode | null {
  return (res as WithErrorCode)[ERROR_CODE] ?? null;
}
