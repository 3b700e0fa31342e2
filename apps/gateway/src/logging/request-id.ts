import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming id is kept only if it is short and plain, so it cannot forge log content. */
const ACCEPTED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The request id: the caller's `x-request-id` when it is a plausible id (a proxy or another
 * service tracing a call), otherwise a new UUID; sent back in the response either way.
 */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  const id = value !== undefined && ACCEPTED.test(value) ? value : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
