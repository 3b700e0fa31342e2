import { createParser, type EventSourceParser } from 'eventsource-parser';

export interface SseEvent {
  event: string;
  data: string;
  /** The stream's last event id so far (what a reconnect sends as Last-Event-ID). */
  id: string | null;
}

/**
 * text/event-stream bytes to events, on eventsource-parser (WHATWG rules), plus what it leaves
 * to the caller: decoding chunks that split multi-byte characters, and remembering the last
 * event id and the server's `retry` delay for resuming a broken stream.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  private lastId: string | null = null;
  private retry: number | null = null;

  constructor(dispatch: (event: SseEvent) => void) {
    this.parser = createParser({
      onEvent: (event) => {
        if (event.id !== undefined) this.lastId = event.id;
        dispatch({ event: event.event ?? 'message', data: event.data, id: this.lastId });
      },
      onRetry: (ms) => {
        this.retry = ms;
      },
    });
  }

  push(chunk: Uint8Array): void {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /** The last event id the stream carried, null when it carried none. */
  get lastEventId(): string | null {
    return this.lastId;
  }

  /** The reconnection delay the server asked for with `retry:`, null when it did not. */
  get retryMs(): number | null {
    return this.retry;
  }
}
