import type { AlertNotification } from '@omni2/contracts';

/**
 * What each kind of channel is sent for one notification. Pure functions: the same notification
 * always gives the same bytes, so a retry is the same message.
 *
 * Formats: Slack incoming webhooks (`text` is the notification fallback, `blocks` the message;
 * header text <= 150, section text <= 3000), Teams workflows / incoming webhooks (a `message`
 * with one Adaptive Card attachment), Discord webhooks (content <= 2000, embed title <= 256,
 * description <= 4096, 6000 in all), email (subject, text, HTML).
 */

/** Limits of the formats, in UTF-16 code units (never more than the characters they count). */
export const LIMITS = {
  slackHeader: 150,
  slackSection: 3000,
  slackText: 3000,
  slackContext: 2000,
  teamsTitle: 1000,
  teamsText: 10_000,
  discordContent: 2000,
  discordTitle: 256,
  discordDescription: 4096,
  emailSubject: 200,
  emailText: 100_000,
} as const;

const ELLIPSIS = '…';

/**
 * `value` with NUL and lone surrogates as U+FFFD, cut to at most `max` code units with an
 * ellipsis, never between the two halves of a surrogate pair.
 */
export function clip(value: string, max: number): string {
  const clean = value.replaceAll('\u0000', '\uFFFD').toWellFormed();
  if (clean.length <= max) return clean;
  let end = Math.max(0, max - ELLIPSIS.length);
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${clean.slice(0, end)}${ELLIPSIS}`;
}

/** `value` on one line: line breaks and other control characters become spaces. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** The notification's console link, when it is one a person can open. */
function linkOf(n: AlertNotification): string | null {
  if (!n.url) return null;
  try {
    const url = new URL(n.url);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

const KIND_PREFIX: Record<AlertNotification['kind'], string> = {
  alert: '',
  reminder: 'Still firing: ',
  recovery: 'Resolved: ',
  test: 'Test: ',
};

/** The one line people read first: "Resolved: billing is down ...". */
function headline(n: AlertNotification): string {
  const title = oneLine(n.title) || n.event.replaceAll('_', ' ');
  return `${KIND_PREFIX[n.kind]}${title}`;
}

/** Label/value pairs shown under the text. */
function facts(n: AlertNotification): [string, string][] {
  const out: [string, string][] = [
    ['Severity', n.severity],
    ['Event', n.event],
  ];
  if (n.server) out.push(['Server', oneLine(n.server.name)]);
  if (n.rule) out.push(['Rule', oneLine(n.rule.name)]);
  out.push(['Occurred', oneLine(n.occurred_at)]);
  return out;
}

/** Every string of `value` well-formed (lone surrogates as U+FFFD); the rest as it is. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wellFormed(v)]));
  }
  return value;
}

/**
 * A generic webhook's body: the notification itself as JSON, exactly the bytes that are signed
 * and sent. Lone surrogates become U+FFFD, so strict JSON parsers accept it.
 */
export function webhookBody(n: AlertNotification): string {
  return JSON.stringify(wellFormed(n));
}

/** Slack treats `&`, `<` and `>` as markup (`<!channel>` pings everyone): escaped. */
function slackEscape(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** A Slack incoming-webhook message: the fallback `text` and the header/section/context blocks. */
export function slackMessage(n: AlertNotification): SlackMessage {
  const title = headline(n);
  const link = linkOf(n);
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(title, LIMITS.slackHeader), emoji: false },
    },
  ];
  const text = n.text.trim();
  if (text) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(slackEscape(text), LIMITS.slackSection) },
    });
  }
  const context = facts(n)
    .map(([label, value]) => `*${label}:* ${slackEscape(value)}`)
    .join('  |  ');
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: clip(context, LIMITS.slackContext) }],
  });
  if (link) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`<${slackEscape(link)}|Open in omni2>`, 3000) },
    });
  }
  return { text: clip(slackEscape(text ? `${title}: ${text}` : title), LIMITS.slackText), blocks };
}

const TEAMS_COLOR: Record<AlertNotification['severity'], string> = {
  info: 'Accent',
  warning: 'Warning',
  error: 'Attention',
  critical: 'Attention',
};

export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: Record<string, unknown> & { type: 'AdaptiveCard'; version: '1.4'; body: unknown[] };
  }[];
}

/** A Teams workflow / incoming-webhook message: one Adaptive Card 1.4 attachment. */
export function teamsMessage(n: AlertNotification): TeamsMessage {
  const link = linkOf(n);
  const body: unknown[] = [
    {
      type: 'TextBlock',
      text: clip(headline(n), LIMITS.teamsTitle),
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      color: n.kind === 'recovery' ? 'Good' : TEAMS_COLOR[n.severity],
    },
  ];
  const text = n.text.trim();
  if (text) body.push({ type: 'TextBlock', text: clip(text, LIMITS.teamsText), wrap: true });
  body.push({
    type: 'FactSet',
    facts: facts(n).map(([title, value]) => ({ title, value: clip(value, 500) })),
  });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(link
            ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in omni2', url: link }] }
            : {}),
        },
      },
    ],
  };
}

const DISCORD_COLOR: Record<AlertNotification['severity'], number> = {
  info: 0x3b82f6,
  warning: 0xf59e0b,
  error: 0xef4444,
  critical: 0x991b1b,
};
const DISCORD_GREEN = 0x22c55e;

export interface DiscordMessage {
  content: string;
  embeds: {
    title: string;
    description: string;
    color: number;
    timestamp?: string;
    url?: string;
  }[];
  /** Nothing in an alert may ping @everyone, a role or a user. */
  allowed_mentions: { parse: [] };
}

/** A Discord webhook message: a content line and one embed. */
export function discordMessage(n: AlertNotification): DiscordMessage {
  const title = headline(n);
  const link = linkOf(n);
  const lines = [
    n.text.trim(),
    facts(n)
      .map(([label, value]) => `**${label}:** ${value}`)
      .join('\n'),
  ]
    .filter(Boolean)
    .join('\n\n');
  const occurred = Date.parse(n.occurred_at);
  return {
    content: clip(title, LIMITS.discordContent),
    embeds: [
      {
        title: clip(title, LIMITS.discordTitle),
        description: clip(lines, LIMITS.discordDescription),
        color: n.kind === 'recovery' ? DISCORD_GREEN : DISCORD_COLOR[n.severity],
        ...(Number.isNaN(occurred) ? {} : { timestamp: new Date(occurred).toISOString() }),
        ...(link && link.length <= 2048 ? { url: link } : {}),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

function htmlEscape(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** An email: a one-line subject, a plain text body and the same as simple escaped HTML. */
export function emailMessage(n: AlertNotification): EmailMessage {
  const title = headline(n);
  const link = linkOf(n);
  const body = clip(n.text.trim(), LIMITS.emailText);
  const factList = facts(n).map(([label, value]) => [label, clip(value, 500)] as const);
  const text = [
    title,
    '',
    ...(body ? [body, ''] : []),
    ...factList.map(([label, value]) => `${label}: ${value}`),
    ...(link ? ['', link] : []),
  ].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif">',
    `<h2>${htmlEscape(clip(title, 1000))}</h2>`,
    ...(body ? [`<p style="white-space: pre-wrap">${htmlEscape(body)}</p>`] : []),
    '<table>',
    ...factList.map(
      ([label, value]) =>
        `<tr><th align="left">${htmlEscape(label)}</th><td>${htmlEscape(value)}</td></tr>`,
    ),
    '</table>',
    ...(link ? [`<p><a href="${htmlEscape(link)}">Open in omni2</a></p>`] : []),
    '</body></html>',
  ].join('\n');
  const severity = n.kind === 'recovery' ? 'resolved' : n.severity;
  return {
    subject: clip(oneLine(`[omni2 ${severity}] ${title}`), LIMITS.emailSubject),
    text: clip(text, LIMITS.emailText + 2000),
    html,
  };
}
