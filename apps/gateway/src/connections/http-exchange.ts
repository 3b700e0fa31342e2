import {
  Agent as HttpAgent,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { RpcErrorCode } from './error-classifier';
import {
  CallCancelledError,
  HttpProtocolError,
  HttpStatusError,
  ScopeRequiredError,
  UpstreamRpcError,
  UpstreamTimeoutError,
} from './upstream-errors';
import { HoldableTimer } from './deadline';
import { SseParser } from './sse-parser';

/**
 * Requests share one keep-alive pool per scheme: thousands of sessions to a handful of hosts
 * reuse a few hundred sockets instead of holding one each. Notification streams are long-lived
 * and would starve that pool, so they get their own agent without a socket limit.
 */
const MAX_SOCKETS_PER_ORIGIN = 256;
const pooled = {
  'http:': new HttpAgent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS_PER_ORIGIN,
    scheduling: 'lifo',
  }),
  'https:': new HttpsAgent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS_PER_ORIGIN,
    scheduling: 'lifo',
  }),
};
const streaming = {
  'http:': new HttpAgent({ keepAlive: false }),
  'https:': new HttpsAgent({ keepAlive: false }),
};

/** Longest error body kept for the message. */
const ERROR_BODY_LIMIT = 2_048;
/** A reply body larger than this is refused rather than buffered. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** After its response arrived, an SSE reply stream that the server leaves open is cut. */
const LINGER_AFTER_RESPONSE_MS = 5_000;
/** How often one exchange resumes a reply stream that ended early (2025-11-25 resumability). */
const MAX_RESUMPTIONS = 5;
/** The wait before resuming when the server set no `retry:`; its own value is capped at this. */
const DEFAULT_RESUME_DELAY_MS = 1_000;
const MAX_RESUME_DELAY_MS = 10_000;
/** Headers that describe the POSTed message and do not belong on the GET that resumes it. */
const POST_ONLY_HEADERS = new Set(['mcp-method', 'mcp-name', 'content-type', 'content-length']);

export interface PostOptions {
  url: URL;
  headers: OutgoingHttpHeaders;
  /** The serialized JSON-RPC message. */
  body: string;
  timeoutMs: number;
  operation: string;
  /** The request id whose response ends the exchange; null for a notification or a response. */
  expectId: number | null;
  /** Every other message the server sends on the reply stream (notifications, requests). */
  onMessage: (message: JSONRPCMessage) => void;
  /**
   * Called once as the request starts, with a function that stops its timeout until released:
   * for when the server asked something and waits for us.
   */
  onStart?: (hold: () => () => void) => void;
  onHeaders?: (headers: IncomingHttpHeaders) => void;
  /**
   * A 4xx reply whose body is a JSON-RPC error is that error (UpstreamRpcError), not an HTTP
   * failure: 2026-07-28 servers answer protocol errors so (a refused version, an unknown method).
   * Off for 2025 sessions, where a 404 means the session expired whatever the body says.
   */
  rpcErrorBodies?: boolean;
  /**
   * Abandons the exchange: the request (and its reply stream) is closed at once and the promise
   * rejects with CallCancelledError. Telling the server is the caller's part (2025: a
   * `notifications/cancelled`; on 2026-07-28 the closed stream is the cancellation).
   */
  signal?: AbortSignal;
}

/**
 * One JSON-RPC message POSTed to a Streamable HTTP endpoint; resolves with the response to
 * `expectId` (from a JSON body or an SSE stream), or null when the server accepted a message
 * that has no response (202).
 */
export function postMessage(options: PostOptions): Promise<JSONRPCMessage | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let retried = false;
    let current: ClientRequest | undefined;
    const { signal } = options;
    if (signal?.aborted) {
      reject(new CallCancelledError(options.operation));
      return;
    }
    const timer = new HoldableTimer(options.timeoutMs, () => {
      fail(new UpstreamTimeoutError(options.operation, options.timeoutMs));
      current?.destroy();
    });
    const cancel = () => {
      fail(new CallCancelledError(options.operation));
      current?.destroy();
    };
    signal?.addEventListener('abort', cancel, { once: true });
    options.onStart?.(() => timer.hold());
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      timer.clear();
      signal?.removeEventListener('abort', cancel);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const succeed = (message: JSONRPCMessage | null) => {
      if (settled) return;
      settled = true;
      timer.clear();
      signal?.removeEventListener('abort', cancel);
      resolve(message);
    };

    const send = () => {
      const req = requestFor(options.url, {
        method: 'POST',
        agent: pooled[protocolOf(options.url)],
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(options.body),
        },
      });
      current = req;
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A pooled socket the server closed while idle fails before anything was sent; the
        // request never reached the server, so it is sent once more on a fresh socket.
        if (!settled && !retried && req.reusedSocket && error.code === 'ECONNRESET') {
          retried = true;
          send();
          return;
        }
        fail(error);
      });
      req.on('response', (res) => {
        options.onHeaders?.(res.headers);
        readReply(res, options, succeed, fail, () => settled, resume);
      });
      req.end(options.body);
    };

    // The server closed the reply stream before the response (it may, to free the connection):
    // ask for the rest with GET and Last-Event-ID after the delay it set, a bounded number of times.
    let resumptions = 0;
    const resume = (lastEventId: string, delayMs: number) => {
      if (settled) return;
      if (resumptions++ >= MAX_RESUMPTIONS) {
        fail(
          new HttpProtocolError(`the reply stream ended ${resumptions} times before the response`),
        );
        return;
      }
      const wait = setTimeout(
        () => {
          if (settled) return;
          const req = requestFor(options.url, {
            method: 'GET',
            agent: pooled[protocolOf(options.url)],
            headers: {
              ...withoutPostHeaders(options.headers),
              accept: 'text/event-stream',
              'last-event-id': lastEventId,
            },
          });
          current = req;
          req.on('error', fail);
          req.on('response', (res) => {
            const status = res.statusCode ?? 0;
            if (
              status !== 200 ||
              !String(res.headers['content-type']).includes('text/event-stream')
            ) {
              res.resume();
              fail(new HttpStatusError(status, 'the server refused to resume the reply stream'));
              return;
            }
            readEventStream(res, options, succeed, fail, () => settled, resume, lastEventId);
          });
          req.end();
        },
        Math.min(delayMs, MAX_RESUME_DELAY_MS),
      );
      wait.unref();
    };
    send();
  });
}

type Resume = (lastEventId: string, delayMs: number) => void;

function withoutPostHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !POST_ONLY_HEADERS.has(name.toLowerCase())),
  );
}

/**
 * RFC 6750 §3: a `Bearer` challenge with `error="insufficient_scope"` gives the scope needed
 * ('' when it names none); anything else null.
 */
export function insufficientScope(challenge: string | undefined): string | null {
  if (!challenge || !/\berror="?insufficient_scope"?/i.test(challenge)) return null;
  return /\bscope="([^"]*)"/i.exec(challenge)?.[1] ?? '';
}

function readReply(
  res: IncomingMessage,
  options: PostOptions,
  succeed: (message: JSONRPCMessage | null) => void,
  fail: (error: unknown) => void,
  isSettled: () => boolean,
  resume: Resume,
): void {
  const status = res.statusCode ?? 0;
  if (status >= 400) {
    readText(res, ERROR_BODY_LIMIT, true).then((text) => {
      const scope = status === 403 ? insufficientScope(res.headers['www-authenticate']) : null;
      if (scope !== null) {
        fail(new ScopeRequiredError(scope || undefined));
        return;
      }
      const rpc =
        options.rpcErrorBodies && status !== 401 && status !== 403 ? rpcError(text) : null;
      fail(rpc ?? new HttpStatusError(status, text.trim()));
    }, fail);
    return;
  }
  if (status === 202 || (options.expectId === null && status < 300)) {
    res.resume();
    succeed(null);
    return;
  }
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('text/event-stream')) {
    readEventStream(res, options, succeed, fail, isSettled, resume, null);
    return;
  }
  const deliver = deliverTo(options, succeed);
  if (type.includes('application/json')) {
    readText(res, MAX_BODY_BYTES).then((text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        fail(new HttpProtocolError('the reply is not valid JSON'));
        return;
      }
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
        deliver(message as JSONRPCMessage);
      }
      // Building an error captures a stack: at 10,000 checks a sweep that was a measurable cost.
      if (!isSettled()) fail(new HttpProtocolError('the reply did not contain the response'));
    }, fail);
    return;
  }
  res.resume();
  fail(new HttpProtocolError(`unexpected reply content type "${type || '(none)'}"`));
}

function deliverTo(options: PostOptions, succeed: (message: JSONRPCMessage) => void) {
  return (message: JSONRPCMessage) => {
    if (options.expectId !== null && isResponseTo(message, options.expectId)) succeed(message);
    else options.onMessage(message);
  };
}

/** A reply (or resumed) event stream: messages until the response; resumes if it ends early. */
function readEventStream(
  res: IncomingMessage,
  options: PostOptions,
  succeed: (message: JSONRPCMessage | null) => void,
  fail: (error: unknown) => void,
  isSettled: () => boolean,
  resume: Resume,
  previousEventId: string | null,
): void {
  const deliver = deliverTo(options, succeed);
  let linger: NodeJS.Timeout | undefined;
  const parser = new SseParser((event) => {
    const message = parseMessage(event.data);
    if (message === null) return;
    deliver(message);
    if (isSettled() && linger === undefined) {
      linger = setTimeout(() => res.destroy(), LINGER_AFTER_RESPONSE_MS);
      linger.unref();
    }
  });
  res.on('data', (chunk: Buffer) => parser.push(chunk));
  res.on('close', () => {
    clearTimeout(linger);
    if (isSettled()) return;
    const lastEventId = parser.lastEventId ?? previousEventId;
    // Without an event id there is nothing to resume from: the response is lost.
    if (lastEventId === null) {
      fail(new HttpProtocolError('the reply stream ended before the response arrived'));
      return;
    }
    resume(lastEventId, parser.retryMs ?? DEFAULT_RESUME_DELAY_MS);
  });
  res.on('error', fail);
}

export interface StreamOptions {
  url: URL;
  headers: OutgoingHttpHeaders;
  /** A request to POST whose reply is the stream (2026-07-28 `subscriptions/listen`); GET without. */
  body?: string;
  timeoutMs: number;
  onMessage: (message: JSONRPCMessage) => void;
  /** The stream ended or failed after it was open. */
  onEnd: () => void;
}

export interface OpenStream {
  close(): void;
}

/**
 * A long-lived stream on which a Streamable HTTP server sends notifications: the standalone GET
 * stream of 2025, or the reply to a POSTed `subscriptions/listen` of 2026-07-28. Resolves once
 * the server answered with an event stream; null when it offers none (405, or a listen request
 * answered with anything but a stream).
 */
export function openEventStream(options: StreamOptions): Promise<OpenStream | null> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const post = options.body !== undefined;
    const req = requestFor(options.url, {
      method: post ? 'POST' : 'GET',
      agent: streaming[protocolOf(options.url)],
      headers: post
        ? {
            ...options.headers,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(options.body ?? ''),
          }
        : { ...options.headers, accept: 'text/event-stream' },
    });
    const timer = setTimeout(() => {
      settled = true;
      req.destroy();
      reject(new UpstreamTimeoutError('notification stream', options.timeoutMs));
    }, options.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(error);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      const status = res.statusCode ?? 0;
      const isStream = String(res.headers['content-type']).includes('text/event-stream');
      const refusedListen =
        post && status !== 401 && status !== 403 && status !== 429 && status < 500 && !isStream;
      if (status === 405 || (refusedListen && status !== 200)) {
        res.resume();
        resolve(null);
        return;
      }
      if (refusedListen) {
        // A JSON-RPC answer: "method not found" is for good; anything else (a full subscription
        // table, say) is for now, and the next check asks again.
        readText(res, ERROR_BODY_LIMIT).then((text) => {
          const refusal = listenRefusal(text);
          if (refusal === null) resolve(null);
          else reject(refusal);
        }, reject);
        return;
      }
      if (status >= 300 || !isStream) {
        res.resume();
        reject(new HttpStatusError(status, 'the notification stream was refused'));
        return;
      }
      const parser = new SseParser((event) => {
        const message = parseMessage(event.data);
        if (message !== null) options.onMessage(message);
      });
      res.on('data', (chunk: Buffer) => parser.push(chunk));
      res.on('error', () => undefined);
      res.on('close', options.onEnd);
      resolve({ close: () => req.destroy() });
    });
    req.end(options.body);
  });
}

/** Null when a listen request's JSON answer means the server will never stream; else why not now. */
function listenRefusal(text: string): UpstreamRpcError | null {
  const error = (parseMessage(text) as { error?: { code?: unknown; message?: unknown } } | null)
    ?.error;
  if (typeof error?.code !== 'number' || error.code === RpcErrorCode.MethodNotFound) return null;
  const message = typeof error.message === 'string' ? error.message : '';
  return new UpstreamRpcError(error.code, `subscriptions/listen refused: ${message}`.slice(0, 300));
}

/**
 * Tells the server a session is over (DELETE with its session id), so it can free it now
 * rather than at its own timeout. Best effort: resolves on any answer, failure or timeout.
 */
export function endSession(
  url: URL,
  headers: OutgoingHttpHeaders,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const req = requestFor(url, { method: 'DELETE', agent: pooled[protocolOf(url)], headers });
    const timer = setTimeout(() => req.destroy(), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.on('error', done);
    req.on('response', (res) => {
      res.resume();
      res.on('end', done);
      res.on('error', done);
    });
    req.end();
  });
}

function requestFor(url: URL, options: Parameters<typeof httpRequest>[1]): ClientRequest {
  return url.protocol === 'https:' ? httpsRequest(url, options) : httpRequest(url, options);
}

function protocolOf(url: URL): 'http:' | 'https:' {
  return url.protocol === 'https:' ? 'https:' : 'http:';
}

function isResponseTo(message: JSONRPCMessage, id: number): boolean {
  return 'id' in message && message.id === id && !('method' in message);
}

/** The JSON-RPC error a reply body carries, if it is one. */
function rpcError(text: string): UpstreamRpcError | null {
  const message = parseMessage(text) as { error?: unknown } | null;
  const error = message?.error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
  if (typeof error?.code !== 'number') return null;
  return new UpstreamRpcError(
    error.code,
    typeof error.message === 'string' ? error.message : '',
    error.data,
  );
}

function parseMessage(data: string): JSONRPCMessage | null {
  try {
    const parsed = JSON.parse(data) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as JSONRPCMessage) : null;
  } catch {
    return null;
  }
}

/** The body as text; past `limit` bytes it is cut (`truncate`) or refused. */
function readText(res: IncomingMessage, limit: number, truncate = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size >= limit && !truncate) {
        res.destroy();
        reject(new HttpProtocolError(`the reply is larger than ${limit} bytes`));
      }
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, limit)));
    res.on('error', reject);
  });
}
