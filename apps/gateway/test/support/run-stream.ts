export interface RunEvent {
  event: string;
  data: any;
}

export interface RunStream {
  /** The HTTP status and content type of the answer. */
  status: number;
  contentType: string;
  /** Events so far, in arrival order (a plain JSON answer is one `json` event). */
  events: RunEvent[];
  /** Resolves when the answer ended (or the stream was closed by `close`). */
  ended: Promise<void>;
  /** Closes the stream from the client side. */
  close(): void;
}

/**
 * A streamed tool run: POSTs with `Accept: text/event-stream` and parses the events as they
 * arrive. Resolves once the answer's headers are in.
 */
export async function openRunStream(
  baseUrl: string,
  path: string,
  body: unknown,
  token: string,
): Promise<RunStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  const events: RunEvent[] = [];
  const contentType = res.headers.get('content-type') ?? '';
  const read = async () => {
    if (!contentType.includes('text/event-stream')) {
      const text = await res.text();
      events.push({ event: 'json', data: text ? JSON.parse(text) : null });
      return;
    }
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) });
      }
    }
  };
  const ended = read().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return { status: res.status, contentType, events, ended, close: () => abort.abort() };
}

/** The final answer of a stream: its `result` event, or its `error` event, or the JSON body. */
export function finalOf(stream: RunStream): { event: string; data: any } | null {
  return stream.events.find((e) => e.event !== 'run' && e.event !== 'progress') ?? null;
}
