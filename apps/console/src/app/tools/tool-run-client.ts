import { HttpClient, HttpErrorResponse, HttpEventType, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  ErrorBody,
  ToolRunProgress,
  ToolRunResult,
  ToolRunStartedEvent,
} from '@omni2/contracts';
import { API_BASE } from '../core/api';
import { ApiError, toApiError } from '../core/api-error';

export interface RunFollower {
  started(event: ToolRunStartedEvent): void;
  progress(progress: ToolRunProgress): void;
}

/** A streamed run in flight: its final answer, and a way to close the stream (which cancels it). */
export interface StreamedRun {
  readonly done: Promise<ToolRunResult>;
  close(): void;
}

/** Thrown by `done` when the stream was closed from this side. */
export class RunStreamClosed extends Error {
  constructor() {
    super('the run stream was closed');
    this.name = 'RunStreamClosed';
  }
}

/**
 * Runs a tool with `Accept: text/event-stream` through HttpClient (so the auth and session
 * interceptors apply): `run` and `progress` events reach `follow` as they arrive, the `result`
 * event resolves `done`, an `error` event or an HTTP error rejects it with an ApiError.
 */
@Injectable({ providedIn: 'root' })
export class ToolRunClient {
  private readonly http = inject(HttpClient);

  execute(path: string, body: unknown, follow: RunFollower): StreamedRun {
    let close: () => void = () => undefined;
    const done = new Promise<ToolRunResult>((resolve, reject) => {
      const parser = new EventText();
      let final: { result: ToolRunResult } | { error: ApiError } | null = null;
      const take = (text: string) => {
        for (const { event, data } of parser.feed(text)) {
          if (event === 'run') follow.started(data as ToolRunStartedEvent);
          else if (event === 'progress') follow.progress(data as ToolRunProgress);
          else if (event === 'result') final = { result: data as ToolRunResult };
          else if (event === 'error') final = { error: errorOf(data as ErrorBody) };
        }
      };
      const subscription = this.http
        .post(API_BASE + path, body, {
          headers: new HttpHeaders({ Accept: 'text/event-stream' }),
          observe: 'events',
          reportProgress: true,
          responseType: 'text',
        })
        .subscribe({
          next: (event) => {
            if (event.type === HttpEventType.DownloadProgress) {
              take(event.partialText ?? '');
            } else if (event.type === HttpEventType.Response) {
              const text = event.body ?? '';
              if (!String(event.headers.get('content-type')).includes('text/event-stream')) {
                // Answered as JSON (a run that never streamed): the body is the result.
                final = { result: JSON.parse(text) as ToolRunResult };
              } else {
                take(text);
              }
              const end = final;
              if (end === null) reject(new ApiError(0, null, 'the run stream ended early'));
              else if ('result' in end) resolve(end.result);
              else reject(end.error);
            }
          },
          error: (error: unknown) => reject(toApiError(withParsedBody(error))),
        });
      close = () => {
        subscription.unsubscribe();
        reject(new RunStreamClosed());
      };
    });
    return { done, close: () => close() };
  }
}

/** An `error` event's body as the ApiError an HTTP error with it would be. */
function errorOf(body: ErrorBody): ApiError {
  return toApiError(new HttpErrorResponse({ error: body, status: body.statusCode }));
}

/** With responseType 'text', an error's JSON body arrives as text: parse it for toApiError. */
function withParsedBody(error: unknown): unknown {
  if (!(error instanceof HttpErrorResponse) || typeof error.error !== 'string') return error;
  try {
    return new HttpErrorResponse({
      error: JSON.parse(error.error) as unknown,
      headers: error.headers,
      status: error.status,
      statusText: error.statusText,
      url: error.url ?? undefined,
    });
  } catch {
    return error;
  }
}

/** Server-Sent Events from a text that grows (HttpClient's `partialText`): each event once. */
export class EventText {
  private seen = 0;
  private pending = '';

  feed(whole: string): { event: string; data: unknown }[] {
    if (whole.length < this.seen) return [];
    this.pending += whole.slice(this.seen);
    this.seen = whole.length;
    const events: { event: string; data: unknown }[] = [];
    let end: number;
    while ((end = this.pending.indexOf('\n\n')) >= 0) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      try {
        events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
      } catch {
        // Not an event of ours: skipped.
      }
    }
    return events;
  }
}
