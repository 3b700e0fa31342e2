import type {
  ErrorBody,
  ToolRunProgress,
  ToolRunResult,
  ToolRunStartedEvent,
} from '@omni2/contracts';
import type { Request, Response } from 'express';
import type { RunListener } from './live-runs';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/** True when the caller lists `text/event-stream` in Accept: it gets the run as it goes. */
export function wantsEventStream(req: Request): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept);
}

/**
 * A streamed tool run (contracts tool-runs.ts): the response turns into an event stream only
 * when the run reaches the server (`run`), so everything refused before that (bad arguments, an
 * open circuit, a rate limit) is an ordinary HTTP error with its status.
 */
export class RunEventStream implements RunListener {
  private opened = false;
  private ended = false;
  private keepAlive: NodeJS.Timeout | undefined;
  /** The id of the run, once it started. */
  runId: string | null = null;

  constructor(private readonly res: Response) {}

  /** The response is an event stream (the run started). */
  get open(): boolean {
    return this.opened;
  }

  started(event: ToolRunStartedEvent): void {
    this.runId = event.run_id;
    if (!this.opened) {
      this.opened = true;
      this.res.status(200);
      this.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
      this.res.setHeader('cache-control', 'no-cache, no-transform');
      this.res.setHeader('x-accel-buffering', 'no');
      this.res.flushHeaders();
      this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      this.keepAlive.unref();
    }
    this.send('run', event);
  }

  progress(progress: ToolRunProgress): void {
    if (this.opened) this.send('progress', progress);
  }

  /** The last event (`result`, or `error` with the HTTP error body), and the end of the stream. */
  finish(result: { result: ToolRunResult } | { error: ErrorBody }): void {
    if ('result' in result) this.send('result', result.result);
    else this.send('error', result.error);
    this.ended = true;
    clearInterval(this.keepAlive);
    this.res.end();
  }

  /** The stream went away first (the caller closed it). */
  closed(): void {
    this.ended = true;
    clearInterval(this.keepAlive);
  }

  private send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(text: string): void {
    if (this.ended || this.res.writableEnded || this.res.destroyed) return;
    this.res.write(text);
  }
}
