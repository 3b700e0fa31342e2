import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { LogControls } from './log-controls';
import { requestIdFor } from './request-id';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('LogControls', () => {
  it('switches the level of the attached logger and of loggers derived after the switch', () => {
    const controls = new LogControls();
    const { lines, stream } = capture();
    const root = pino({ level: 'info', hooks: controls.hooks }, stream);
    controls.attach(root);
    root.debug('hidden');
    controls.apply('debug', []);
    root.debug('shown');
    root.child({ req_id: 'r1' }).debug('child shown');
    controls.apply('warn', []);
    root.info('hidden again');
    expect(lines.map((l) => l.msg)).toEqual(['shown', 'child shown']);
    expect(controls.level).toBe('warn');
  });

  it('keeps only the components asked for below warn, wherever the component is given', () => {
    const controls = new LogControls();
    const { lines, stream } = capture();
    const root = pino({ level: 'trace', hooks: controls.hooks }, stream);
    controls.attach(root);
    controls.apply('trace', ['coordinator', 'http']);
    root.info({ component: 'coordinator' }, 'kept: argument');
    root.child({ component: 'http' }).info('kept: binding');
    root.info({ component: 'broadcaster' }, 'dropped: other component');
    root.info('dropped: no component');
    root.error({ component: 'broadcaster' }, 'kept: errors always pass');
    controls.apply('trace', []);
    root.info({ component: 'broadcaster' }, 'kept: filter cleared');
    expect(lines.map((l) => l.msg)).toEqual([
      'kept: argument',
      'kept: binding',
      'kept: errors always pass',
      'kept: filter cleared',
    ]);
  });
});

describe('requestIdFor', () => {
  const call = (header: string | undefined) => {
    const headers: Record<string, string> = {};
    const req = { headers: header === undefined ? {} : { 'x-request-id': header } };
    const res = { setHeader: (k: string, v: string) => (headers[k] = v) };
    const id = requestIdFor(req as IncomingMessage, res as unknown as ServerResponse);
    return { id, echoed: headers['x-request-id'] };
  };

  it("honours the caller's id and returns it", () => {
    expect(call('trace-42.a:b')).toEqual({ id: 'trace-42.a:b', echoed: 'trace-42.a:b' });
  });

  it('generates one when there is none or it is not a plain id', () => {
    for (const header of [undefined, '', 'has space', 'x'.repeat(129), '"}{"level":60']) {
      const { id, echoed } = call(header);
      expect([header, id]).toEqual([header, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
      expect(echoed).toBe(id);
    }
  });
});
