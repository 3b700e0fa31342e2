import { type SseEvent, SseParser } from './sse-parser';

function parse(chunks: (string | Uint8Array)[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) {
    parser.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  }
  return events;
}

describe('SseParser', () => {
  it('dispatches one event per blank line, with its type, data and id', () => {
    expect(parse(['event: message\nid: 7\ndata: {"a":1}\n\ndata: two\n\n'])).toEqual([
      { event: 'message', data: '{"a":1}', id: '7' },
      { event: 'message', data: 'two', id: '7' },
    ]);
  });

  it('joins data lines with a line feed and keeps a value without the optional space', () => {
    expect(parse(['data:first\ndata: second\n\n'])).toEqual([
      { event: 'message', data: 'first\nsecond', id: null },
    ]);
  });

  it('reassembles lines split across chunks, including a CRLF split between CR and LF', () => {
    expect(parse(['da', 'ta: he', 'llo\r', '\n\r', '\n'])).toEqual([
      { event: 'message', data: 'hello', id: null },
    ]);
  });

  it('accepts lone CR line endings', () => {
    // A final CR may be the first half of a CRLF, so the event after it is what ends "b".
    expect(parse(['data: a\r\rdata: b\r\rdata: c'])).toEqual([
      { event: 'message', data: 'a', id: null },
      { event: 'message', data: 'b', id: null },
    ]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const bytes = new TextEncoder().encode('data: é€\n\n');
    const events = parse([bytes.slice(0, 7), bytes.slice(7, 9), bytes.slice(9)]);
    expect(events).toEqual([{ event: 'message', data: 'é€', id: null }]);
  });

  it('ignores comments, unknown fields and events without data', () => {
    expect(parse([': keep-alive\nretry: 100\n\nevent: ping\n\nfoo: bar\ndata: x\n\n'])).toEqual([
      { event: 'message', data: 'x', id: null },
    ]);
  });

  it('does not dispatch an event until its blank line arrives', () => {
    expect(parse(['data: pending\n'])).toEqual([]);
  });

  it('remembers the last event id and the retry delay a server set, for resuming', () => {
    const parser = new SseParser(() => undefined);
    expect([parser.lastEventId, parser.retryMs]).toEqual([null, null]);
    parser.push(new TextEncoder().encode('id: e-1\nretry: 500\ndata:\n\ndata: x\n\n'));
    expect([parser.lastEventId, parser.retryMs]).toEqual(['e-1', 500]);
    parser.push(new TextEncoder().encode('retry: soon\nid: e-2\ndata: y\n\n'));
    expect([parser.lastEventId, parser.retryMs]).toEqual(['e-2', 500]);
  });
});
