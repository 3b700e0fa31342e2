import type { AlertNotification } from '@omni2/contracts';
import fc from 'fast-check';
import { FC_PARAMS, hasUnstorable, oddString } from '../../../test/support/odd-input';
import {
  LIMITS,
  clip,
  discordMessage,
  emailMessage,
  slackMessage,
  teamsMessage,
  webhookBody,
} from './formatters';

const base: AlertNotification = {
  delivery_id: 'd-1',
  kind: 'alert',
  event: 'server_down',
  severity: 'critical',
  title: 'billing is down: circuit opened after 3 failures',
  text: 'Last error: <script>alert(1)</script> & "quotes" (down for 2 minutes)',
  server: { id: 's-1', name: 'billing' },
  rule: { id: 'r-1', name: 'page <!channel>' },
  occurred_at: '2026-12-05T10:00:00.000Z',
  event_id: '42',
  url: 'https://omni2.example.test/servers/s-1',
};

/** Every string anywhere in `value`. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  }
  return [];
}

describe('webhookBody', () => {
  it('is the notification itself as JSON', () => {
    expect(JSON.parse(webhookBody(base))).toEqual(base);
  });

  it('turns lone surrogates into U+FFFD so strict parsers accept it', () => {
    const body = webhookBody({ ...base, title: 'a\uD800b' });
    expect(body).not.toMatch(/\\ud800/i);
    expect(JSON.parse(body).title).toBe('a\uFFFDb');
  });
});

describe('slackMessage', () => {
  it('has a fallback text, a header, the text as mrkdwn (escaped), facts and the link', () => {
    const msg = slackMessage(base);
    expect(msg.text).toContain('billing is down');
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'section']);
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: base.title, emoji: false },
    });
    const section = msg.blocks[1] as { text: { type: string; text: string } };
    expect(section.text.type).toBe('mrkdwn');
    expect(section.text.text).toBe(
      'Last error: &lt;script&gt;alert(1)&lt;/script&gt; &amp; "quotes" (down for 2 minutes)',
    );
    expect(JSON.stringify(msg)).not.toContain('<!channel>');
    expect(JSON.stringify(msg.blocks[3])).toContain(
      '<https://omni2.example.test/servers/s-1|Open in omni2>',
    );
  });

  it('says what kind of notification it is, and has no text section when there is no text', () => {
    const msg = slackMessage({ ...base, kind: 'recovery', text: '', url: null });
    expect(msg.blocks.map((b) => b.type)).toEqual(['header', 'context']);
    expect(msg.text).toBe(`Resolved: ${base.title}`);
  });
});

describe('teamsMessage', () => {
  it('is a message with one Adaptive Card 1.4 attachment', () => {
    const msg = teamsMessage(base);
    expect(msg.type).toBe('message');
    expect(msg.attachments).toHaveLength(1);
    const [attachment] = msg.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      actions: [{ type: 'Action.OpenUrl', title: 'Open in omni2', url: base.url }],
    });
    expect(attachment.content.body).toEqual([
      expect.objectContaining({ type: 'TextBlock', text: base.title, weight: 'Bolder' }),
      expect.objectContaining({ type: 'TextBlock', text: base.text, wrap: true }),
      {
        type: 'FactSet',
        facts: expect.arrayContaining([
          { title: 'Severity', value: 'critical' },
          { title: 'Server', value: 'billing' },
        ]),
      },
    ]);
  });
});

describe('discordMessage', () => {
  it('has content and one embed with title, description, color and timestamp, and pings nobody', () => {
    const msg = discordMessage(base);
    expect(msg.content).toBe(base.title);
    expect(msg.embeds).toEqual([
      {
        title: base.title,
        description: expect.stringContaining(base.text),
        color: expect.any(Number),
        timestamp: base.occurred_at,
        url: base.url,
      },
    ]);
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });

  it('leaves out a timestamp or URL that Discord would refuse', () => {
    const [embed] = discordMessage({
      ...base,
      occurred_at: 'yesterday',
      url: 'javascript:x',
    }).embeds;
    expect(embed).not.toHaveProperty('timestamp');
    expect(embed).not.toHaveProperty('url');
  });
});

describe('emailMessage', () => {
  it('has a one-line subject, a text body and escaped HTML', () => {
    const msg = emailMessage({ ...base, title: 'two\r\nlines' });
    expect(msg.subject).toBe('[omni2 critical] two lines');
    expect(msg.text).toContain(base.text);
    expect(msg.text).toContain(base.url);
    expect(msg.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(msg.html).not.toContain('<script>');
    expect(msg.html).toContain('<a href="https://omni2.example.test/servers/s-1">');
  });

  it('links only to http(s) URLs', () => {
    expect(emailMessage({ ...base, url: 'javascript:alert(1)' }).html).not.toContain('javascript');
  });
});

describe('clip', () => {
  it('cuts with an ellipsis, never between the halves of a pair', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('a\u0000\uDC00', 10)).toBe('a\uFFFD\uFFFD');
  });
});

describe('every format, for any text (NUL, lone surrogates, astral pairs, very long)', () => {
  // Up to about 3 x 3000 units: past every limit, with surrogates at every cut.
  const text = fc
    .tuple(oddString(3000), fc.nat({ max: 3 }), oddString(40))
    .map(([chunk, times, tail]) => `${chunk.repeat(times)}${tail}`);
  const notification = fc.record({
    title: text,
    text,
    name: oddString(300),
    kind: fc.constantFrom<AlertNotification['kind'][]>('alert', 'reminder', 'recovery', 'test'),
    url: fc.option(fc.webUrl(), { nil: null }),
  });

  it('is valid JSON within the limits, with no lone surrogates or NUL in chat formats', () => {
    fc.assert(
      fc.property(notification, ({ title, text: body, name, kind, url }) => {
        const n: AlertNotification = {
          ...base,
          kind,
          title,
          text: body,
          server: { id: 's', name },
          url,
        };
        const slack = slackMessage(n);
        const teams = teamsMessage(n);
        const discord = discordMessage(n);
        const email = emailMessage(n);
        for (const message of [slack, teams, discord, email]) {
          const json = JSON.stringify(message);
          expect(JSON.parse(json)).toEqual(message);
          for (const s of stringsOf(message)) expect(hasUnstorable(s)).toBe(false);
        }
        expect(JSON.parse(webhookBody(n))).toEqual(
          JSON.parse(
            JSON.stringify(n, (_k, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v)),
          ),
        );
        expect(webhookBody(n).isWellFormed()).toBe(true);

        const header = slack.blocks[0] as { text: { text: string } };
        expect(header.text.text.length).toBeGreaterThan(0);
        expect(header.text.text.length).toBeLessThanOrEqual(LIMITS.slackHeader);
        for (const block of slack.blocks.slice(1)) {
          for (const s of stringsOf(block))
            expect(s.length).toBeLessThanOrEqual(LIMITS.slackSection);
        }
        expect(slack.text.length).toBeLessThanOrEqual(LIMITS.slackText);

        expect(discord.content.length).toBeLessThanOrEqual(LIMITS.discordContent);
        const [embed] = discord.embeds;
        expect(embed.title.length).toBeLessThanOrEqual(LIMITS.discordTitle);
        expect(embed.description.length).toBeLessThanOrEqual(LIMITS.discordDescription);
        expect(embed.title.length + embed.description.length).toBeLessThanOrEqual(6000);

        expect(email.subject.length).toBeLessThanOrEqual(LIMITS.emailSubject);
        // eslint-disable-next-line no-control-regex -- matching control characters is the point
        expect(email.subject).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
      { ...FC_PARAMS, numRuns: Math.min(FC_PARAMS.numRuns, 100) },
    );
  });
});
