import type { EventEnvelope, EventType } from '@omni2/contracts';
import { FeedOutbox } from './feed-outbox';

let seq = 0;
function event(type: EventType, server: string | null): EventEnvelope {
  seq++;
  return {
    id: `1000-${seq}`,
    type,
    timestamp: '',
    server_id: server,
    mcp_name: server,
    severity: 'info',
    data: {} as never,
  };
}

/** A fake clock and timer queue, stepped by the test. */
function harness(perSecond = 10) {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const sent: EventEnvelope[] = [];
  const outbox = new FeedOutbox({
    perSecond,
    now: () => now,
    later: (ms, fn) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return () => timers.splice(timers.indexOf(timer), 1);
    },
    send: (e) => sent.push(e),
  });
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > until) break;
      timers.shift();
      now = next.at;
      next.fn();
    }
    now = until;
  };
  return { outbox, sent, advance };
}

describe('FeedOutbox', () => {
  it('sends at once within the budget', () => {
    const { outbox, sent } = harness();
    for (let i = 0; i < 10; i++) outbox.offer(event('mcp_status_change', `s${i}`));
    expect(sent).toHaveLength(10);
  });

  it('never drops or reorders status changes over the limit, pacing them at N per second', () => {
    const { outbox, sent, advance } = harness();
    const offered = Array.from({ length: 25 }, (_, i) => event('mcp_status_change', `s${i}`));
    offered.forEach((e) => outbox.offer(e));
    expect(sent).toHaveLength(10);
    advance(999);
    expect(sent.length).toBeLessThan(20);
    advance(1);
    expect(sent).toHaveLength(20);
    advance(500);
    expect(sent).toEqual(offered);
    expect(outbox.backlog).toBe(0);
  });

  it('keeps only the newest health check per server while over the limit', () => {
    const { outbox, sent, advance } = harness();
    for (let i = 0; i < 10; i++) outbox.offer(event('critical_alert', null));
    const checks = [event('mcp_health_check', 'a'), event('mcp_health_check', 'b')];
    const newerA = event('mcp_health_check', 'a');
    [...checks, newerA].forEach((e) => outbox.offer(e));
    advance(1_000);
    expect(sent.slice(10)).toEqual([checks[1], newerA]);
  });

  it("sends a server's pending health check just before its next status change", () => {
    const { outbox, sent, advance } = harness(1);
    outbox.offer(event('critical_alert', null));
    const check = event('mcp_health_check', 'a');
    const otherCheck = event('mcp_health_check', 'b');
    const change = event('mcp_status_change', 'a');
    [check, otherCheck, change].forEach((e) => outbox.offer(e));
    advance(3_000);
    expect(sent.slice(1)).toEqual([check, change, otherCheck]);
  });

  it('stops its timer when closed', () => {
    const { outbox, sent, advance } = harness(1);
    outbox.offer(event('critical_alert', null));
    outbox.offer(event('critical_alert', null));
    outbox.close();
    advance(5_000);
    expect(sent).toHaveLength(1);
  });
});
