export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/**
 * Incremental text/event-stream parser (WHATWG "server-sent events" rules: lines end in LF, CR
 * or CRLF; `data` lines join with LF; comments and unknown fields are ignored; an event without
 * data is not dispatched). Chunks may split lines and multi-byte characters anywhere.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | null = null;
  /** A chunk ended in CR: a following LF belongs to the same line break. */
  private pendingCr = false;

  constructor(private readonly dispatch: (event: SseEvent) => void) {}

  push(chunk: Uint8Array): void {
    let text = this.decoder.decode(chunk, { stream: true });
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 === this.buffer.length) {
          this.pendingCr = true;
          next = cr + 1;
        } else {
          next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        }
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.line(this.buffer.slice(start, end));
      start = next;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      this.flush();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
  }

  private flush(): void {
    if (this.data.length > 0) {
      this.dispatch({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
    }
    this.data = [];
    this.event = '';
  }
}
