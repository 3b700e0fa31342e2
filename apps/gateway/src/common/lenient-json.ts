import express, { type Request, type RequestHandler } from 'express';

const BODY_ERROR = Symbol('omni2.bodyError');

type WithBodyError = Request & { [BODY_ERROR]?: Error };

/**
 * Express's JSON body parser, except that a body it refuses (malformed, too large, bad charset)
 * does not end the request before routing: the error is kept on the request and thrown by the
 * request gate after authentication, so an audited route records the attempt like any other.
 */
export function lenientJson(limit: string): RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (error instanceof Error) {
        (req as WithBodyError)[BODY_ERROR] = error;
        req.body = undefined;
      }
      next();
    });
}

/** The body parser's error for this request, if it refused the body. */
export function bodyErrorOf(req: Request): Error | undefined {
  return (req as WithBodyError)[BODY_ERROR];
}
