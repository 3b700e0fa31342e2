import type { ErrorKind } from '@omni2/contracts';

/** How a tool call ended, as far as the server's circuit breaker is concerned. */
export type CallEnd =
  /** The server answered (a result, a tool error, or a JSON-RPC error: it is alive). */
  | { kind: 'answered' }
  /** The caller cancelled it before the answer. */
  | { kind: 'cancelled' }
  | {
      kind: 'failed';
      errorKind: ErrorKind;
      /** For a timeout: the limit that fired, in ms (null when unknown). */
      timedOutAfterMs: number | null;
      /** The server's own `timeout_seconds`, in ms. */
      serverTimeoutMs: number;
      /** No OAuth token without an operator: recorded as `auth_required`, not as a failure. */
      needsAuthorization?: boolean;
    };

export type BreakerInput = 'success' | 'failure' | 'not_counted';

/**
 * What a tool call tells the breaker (SPEC §2: tool calls pass through the same breaker), with
 * the two exceptions that keep slow test runs from opening a circuit for everyone:
 * - a cancelled call says nothing about the server;
 * - a timeout shorter than the server's own `timeout_seconds` (a limit the operator chose for
 *   this run) says only that the run outlasted the operator's patience.
 * A timeout at or above the server's own limit counts as a failure, as any other failure does.
 */
export function breakerInput(end: CallEnd): BreakerInput {
  switch (end.kind) {
    case 'answered':
      return 'success';
    case 'cancelled':
      return 'not_counted';
    case 'failed':
      return end.errorKind === 'timeout' &&
        end.timedOutAfterMs !== null &&
        end.timedOutAfterMs < end.serverTimeoutMs
        ? 'not_counted'
        : 'failure';
  }
}
