/**
 * `progress`, the testkit's long-running tool (Behaviour.longRunningTools): it counts `steps`
 * steps, one every `interval_ms`, and after each one sends MCP `notifications/progress` when the
 * caller asked for it (a `progressToken` in the request's `_meta`), with `total` unless
 * `no_total`. A cancelled request (2025: `notifications/cancelled`; 2026-07-28 Streamable HTTP:
 * the client closing the request's stream) stops it at once. Written once here for the two SDKs;
 * bin/progress-tool.cjs (for the two stdio bins) carries its own copy: keep them in step.
 */
export const PROGRESS_TOOL = 'progress';

export const PROGRESS_TOOL_DESCRIPTION =
  'Counts `steps` steps, one every `interval_ms`, reporting progress after each';

export interface ProgressArgs {
  steps: number;
  interval_ms: number;
  no_total?: boolean;
}

export interface ProgressReport {
  progress: number;
  total?: number;
  message: string;
}

/**
 * Runs the count. `report` sends one progress notification; `signal` is the request's own.
 * Resolves with the result text, or null when the request was cancelled.
 */
export async function countSteps(
  { steps, interval_ms, no_total }: ProgressArgs,
  signal: AbortSignal,
  report: ((progress: ProgressReport) => Promise<void>) | null,
): Promise<string | null> {
  for (let step = 1; step <= steps; step++) {
    const finished = await new Promise<boolean>((resolve) => {
      if (signal.aborted) {
        resolve(false);
        return;
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve(true);
      }, interval_ms);
      // A run nobody stopped never keeps its process (or a test runner) alive.
      timer.unref();
      const stop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', stop, { once: true });
    });
    if (!finished) return null;
    await report?.({
      progress: step,
      ...(no_total ? {} : { total: steps }),
      message: `step ${step} of ${steps}`,
    }).catch(() => undefined);
  }
  return `counted ${steps}`;
}
