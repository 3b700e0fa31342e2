import { isIP } from 'node:net';
import {
  REDACTED,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  type ChannelKind,
} from '@omni2/contracts';
import { z } from 'zod';
import { singleLineReason, unstorableReason } from '../../common/text-safety';

/** RFC 9110 token: what an HTTP header name can be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/**
 * Headers a webhook channel cannot set: omni2 writes them (the body's type, the signature and the
 * delivery id a receiver relies on), or they describe the request itself and would corrupt it.
 */
const RESERVED_HEADERS = new Map(
  [
    'content-type',
    'content-length',
    'transfer-encoding',
    'host',
    'connection',
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_DELIVERY_HEADER,
  ].map((name) => [name.toLowerCase(), name]),
);

/** Hosts where a chat URL may be plain http (a local relay or a test receiver). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A string PostgreSQL and every wire accept (no NUL, no lone surrogates). */
const storable = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const reason = unstorableReason(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });

/** A one-line value: control characters would change what a host or user name means. */
const singleLine = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const reason = singleLineReason(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    });

/** The parsed URL, or why it cannot be a channel URL. */
function parseChannelUrl(value: string): URL | string {
  // The URL parser would quietly drop leading spaces, tabs and line breaks: refused instead.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value)) {
    return 'must not contain spaces or control characters';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http:// or https:// URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'must be an absolute http:// or https:// URL';
  }
  // fetch refuses them, and a credential belongs in a header (or the chat URL's own token).
  if (url.username || url.password) return 'must not contain a user name or password';
  return url;
}

const webhookUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const url = parseChannelUrl(value);
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', message: url });
  });

/**
 * A Slack, Teams or Discord incoming-webhook URL: it carries the token that lets anyone post, so
 * it travels over TLS, except to a relay on this machine.
 */
const chatUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const url = parseChannelUrl(value);
    if (typeof url === 'string') {
      ctx.addIssue({ code: 'custom', message: url });
    } else if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an https:// URL (http:// only to 127.0.0.1, localhost or [::1])',
      });
    }
  });

// What HTTP can carry in a header value (RFC 9110 field-value as a byte string): no control
// characters but tab, nothing above U+00FF.
const headerValue = z
  .string()
  .max(8192)
  .regex(/^[^\r\n]*$/, 'must not contain line breaks')
  // Line breaks are named by the rule above.
  .regex(
    /^[\t\r\n\u0020-\u007e\u0080-\u00ff]*$/,
    'must not contain control characters or characters beyond U+00FF',
  );

export const webhookConfigSchema = z
  .object({
    url: webhookUrl,
    /** HMAC-SHA256 key of X-Omni2-Signature (its UTF-8 bytes). */
    secret: storable(512).min(16, 'must be at least 16 characters').optional(),
    headers: z.record(z.string(), headerValue).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    const names = Object.keys(config.headers ?? {});
    if (names.length > 50) {
      ctx.addIssue({ code: 'custom', path: ['headers'], message: 'must be at most 50 headers' });
    }
    for (const name of names) {
      const issue = (message: string) =>
        ctx.addIssue({ code: 'custom', path: ['headers', name], message });
      const lower = name.toLowerCase();
      if (!HEADER_NAME.test(name)) issue('must be a valid HTTP header name');
      else if (RESERVED_HEADERS.has(lower)) {
        issue(`is set by omni2 and cannot be overridden (${RESERVED_HEADERS.get(lower)})`);
      } else if (seen.has(lower)) issue('is given twice (header names ignore case)');
      seen.add(lower);
    }
  });

export const chatConfigSchema = z.object({ url: chatUrl }).strict();

const email = z.email('must be an email address').max(254);

export const emailConfigSchema = z
  .object({
    host: singleLine(253)
      .min(1, 'is required')
      .refine(
        (host) =>
          isIP(host) !== 0 ||
          /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
            host,
          ),
        'must be a host name or an IP address',
      ),
    port: z.number().int().min(1).max(65_535),
    /** tls: TLS from the first byte (465); starttls: upgrade required (587); none: plain SMTP. */
    security: z.enum(['tls', 'starttls', 'none'], {
      message: 'must be one of tls, starttls, none',
    }),
    username: singleLine(512).min(1).optional(),
    password: storable(1024).min(1).optional(),
    from: email,
    to: z
      .array(email)
      .min(1, 'must name at least one recipient')
      .max(50, 'must name at most 50 recipients'),
    /**
     * false accepts a server certificate that does not verify (self-signed, another name). Absent
     * means true. For test servers and private relays; it gives up knowing who receives the mail.
     */
    tls_reject_unauthorized: z.boolean().optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.password !== undefined && config.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required with password' });
    }
  });

export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type ChatConfig = z.output<typeof chatConfigSchema>;
export type EmailConfig = z.output<typeof emailConfigSchema>;

const CHANNEL_CONFIG_SCHEMAS = {
  webhook: webhookConfigSchema,
  slack: chatConfigSchema,
  teams: chatConfigSchema,
  discord: chatConfigSchema,
  email: emailConfigSchema,
} as const satisfies Record<ChannelKind, z.ZodType>;

/** The configuration of each kind of channel, as its schema gives it. */
export type ChannelConfigs = {
  [K in ChannelKind]: z.output<(typeof CHANNEL_CONFIG_SCHEMAS)[K]>;
};
export type ChannelConfig = ChannelConfigs[ChannelKind];

/** The schema of a `kind` channel's configuration (strict: unknown fields are refused). */
export function channelConfigSchema<K extends ChannelKind>(
  kind: K,
): (typeof CHANNEL_CONFIG_SCHEMAS)[K] {
  return CHANNEL_CONFIG_SCHEMAS[kind];
}

/** Shorter values are too common as words to cut out of a message ("1", "on"). */
const MIN_SECRET_LENGTH = 4;

/**
 * The values of a channel's configuration that must never be shown or stored elsewhere: the
 * webhook secret and header values (and the credential inside `Bearer ...` / `Basic ...`), a chat
 * URL (its path is the token), the SMTP password (and the forms AUTH sends it in). Longest first,
 * so a value that contains another is cut whole.
 */
export function secretFieldsOf(kind: ChannelKind, config: ChannelConfig): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (value && value.length >= MIN_SECRET_LENGTH) found.add(value);
  };
  switch (kind) {
    case 'webhook': {
      const { secret, headers } = config as WebhookConfig;
      add(secret);
      for (const value of Object.values(headers ?? {})) {
        add(value);
        const scheme = /^(\w+)\s+(.+)$/.exec(value);
        if (!scheme) continue;
        add(scheme[2]);
        if (scheme[1].toLowerCase() === 'basic') {
          const pair = Buffer.from(scheme[2], 'base64').toString('utf8');
          add(pair);
          add(pair.slice(pair.indexOf(':') + 1));
        }
      }
      break;
    }
    case 'slack':
    case 'teams':
    case 'discord': {
      const { url } = config as ChatConfig;
      add(url);
      try {
        const parsed = new URL(url);
        add(`${parsed.pathname}${parsed.search}`.replace(/^\/$/, ''));
        add(`${parsed.host}${parsed.pathname}${parsed.search}`);
      } catch {
        // not a URL: the whole value is already listed
      }
      break;
    }
    case 'email': {
      const { username, password } = config as EmailConfig;
      if (password) {
        add(password);
        add(Buffer.from(password, 'utf8').toString('base64'));
        add(Buffer.from(`\u0000${username ?? ''}\u0000${password}`, 'utf8').toString('base64'));
      }
      break;
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * A channel's configuration as the API shows it: secrets are `***`, a chat URL keeps only its
 * origin (`https://hooks.slack.com/***`) so an admin can tell channels apart.
 */
export function redactedConfig(kind: ChannelKind, config: ChannelConfig): Record<string, unknown> {
  switch (kind) {
    case 'webhook': {
      const { secret, headers, url, ...rest } = config as WebhookConfig;
      return {
        ...rest,
        // A query string may carry a token: it is shown as "***".
        url: url.includes('?') ? `${url.slice(0, url.indexOf('?'))}?${REDACTED}` : url,
        ...(secret !== undefined ? { secret: REDACTED } : {}),
        ...(headers !== undefined
          ? { headers: Object.fromEntries(Object.keys(headers).map((name) => [name, REDACTED])) }
          : {}),
      };
    }
    case 'slack':
    case 'teams':
    case 'discord': {
      const { url } = config as ChatConfig;
      let origin: string;
      try {
        origin = new URL(url).origin;
      } catch {
        return { url: REDACTED };
      }
      return { url: `${origin}/${REDACTED}` };
    }
    case 'email': {
      const { password, ...rest } = config as EmailConfig;
      return { ...rest, ...(password !== undefined ? { password: REDACTED } : {}) };
    }
  }
}
