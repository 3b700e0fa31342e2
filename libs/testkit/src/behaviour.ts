export type ServerMode = 'healthy' | 'failing' | 'hanging';

/**
 * How a test server misbehaves. The object handed out by a server is live: tests assign
 * fields and the next request obeys.
 */
export interface Behaviour {
  /**
   * failing: HTTP answers 500 to every request on the MCP endpoints (GET streams included);
   * stdio answers every JSON-RPC request with error -32603 "testkit: failing".
   * hanging: HTTP holds every request open until stop(); stdio never replies to requests.
   */
  mode: ServerMode;
  /** Added before every HTTP request (stdio: every JSON-RPC request) is handled; 0 = none. */
  delayMs: number;
  /** ping is answered with JSON-RPC MethodNotFound (-32601); everything else works. */
  refusePing: boolean;
  /** HTTP only: requests without `Authorization: Bearer <value>` get 401. */
  requiredBearer: string | null;
  /** stdio only: the process exits with code 3 on the next request it receives. */
  exitOnRequest: boolean;
  /** streamable_http, new sessions: replies are application/json bodies, not SSE streams. */
  jsonResponse: boolean;
  /** streamable_http: no session ids; each POST is served on its own; GET answers 405. */
  stateless: boolean;
  /** HTTP only: ping answers after sending notifications/tools/list_changed on its reply stream. */
  notifyOnPing: boolean;
  /** HTTP only: echo first pings the client over its reply stream and fails without an answer. */
  pingClientOnEcho: boolean;
  /**
   * HTTP, new sessions: two more tools that need the client: `ask` (an elicitation form, see
   * ASK_FORM) and `sample` (a sampling request).
   */
  interactiveTools: boolean;
  /**
   * One more tool, `progress` (long-running-tools.ts): counts slowly, reports
   * notifications/progress, and stops when the request is cancelled.
   */
  longRunningTools: boolean;
}

export const DEFAULT_BEHAVIOUR: Readonly<Behaviour> = Object.freeze({
  mode: 'healthy',
  delayMs: 0,
  refusePing: false,
  requiredBearer: null,
  exitOnRequest: false,
  jsonResponse: false,
  stateless: false,
  notifyOnPing: false,
  pingClientOnEcho: false,
  interactiveTools: false,
  longRunningTools: false,
});

/** A JSON-RPC request (or notification) as received by a test server, in arrival order. */
export interface CallRecord {
  method: string;
  /** Date.now() on arrival. */
  at: number;
  /** Notifications only: what `notifications/cancelled` names (its `requestId`). */
  requestId?: string | number;
}

/** What a test server records of a notification it received. */
export function notificationRecord(message: { method: string; params?: unknown }): CallRecord {
  const requestId = (message.params as { requestId?: unknown } | undefined)?.requestId;
  return {
    method: message.method,
    at: Date.now(),
    ...(typeof requestId === 'string' || typeof requestId === 'number' ? { requestId } : {}),
  };
}

export function makeBehaviour(patch: Partial<Behaviour> = {}): Behaviour {
  return { ...DEFAULT_BEHAVIOUR, ...patch };
}

/** Wire text of the error a failing server answers with (stdio) or puts in its 500 body (HTTP). */
export const FAILING_MESSAGE = 'testkit: failing';
