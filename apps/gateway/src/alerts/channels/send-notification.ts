import { createHmac } from 'node:crypto';
import {
  CHANNEL_KINDS,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  type AlertNotification,
  type ChannelKind,
} from '@omni2/contracts';
import nodemailer from 'nodemailer';
import { storableText } from '../../common/text-safety';
import { fieldErrors } from '../../common/zod-body';
import { scrubSecrets } from '../../connections/secret-scrub';
import {
  channelConfigSchema,
  secretFieldsOf,
  type ChannelConfigs,
  type ChatConfig,
  type EmailConfig,
  type WebhookConfig,
} from './channel-config';
import {
  discordMessage,
  emailMessage,
  slackMessage,
  teamsMessage,
  webhookBody,
} from './formatters';

/** What one attempt to send a notification did, as the delivery log records it. */
export interface DeliveryResult {
  ok: boolean;
  /** The HTTP status, or the SMTP reply code, when the receiver answered. */
  status_code: number | null;
  /** The start of the receiver's answer (500 characters), storable, secrets cut out. */
  response: string;
  /** What went wrong, for people, without secrets; null when ok. */
  error: string | null;
  /** Whether the same notification may go through later (timeouts, 429, 5xx, SMTP 4xx). */
  retryable: boolean;
}

export interface SendOptions {
  /** The whole attempt, connecting to reading the answer. */
  timeoutMs: number;
}

const RESPONSE_CHARS = 500;
const ERROR_DETAIL_CHARS = 200;
/**
 * How much of a receiver's body is read: enough that a secret starting within the first
 * RESPONSE_CHARS characters (at most 3 bytes each in UTF-8) is read whole (a header value is at
 * most 8192 characters), so it is cut out before the text is shortened. The rest is not read.
 */
const RESPONSE_READ_BYTES = 64 * 1024;

const USER_AGENT = 'omni2-alerts';

/** The JSON a chat channel is sent. */
function chatBody(kind: 'slack' | 'teams' | 'discord', n: AlertNotification): string {
  switch (kind) {
    case 'slack':
      return JSON.stringify(slackMessage(n));
    case 'teams':
      return JSON.stringify(teamsMessage(n));
    case 'discord':
      return JSON.stringify(discordMessage(n));
  }
}

/**
 * Sends `notification` to one channel, once. Never throws: whatever happens is a
 * `DeliveryResult` (the outbox decides from `retryable` whether to try again).
 */
export async function sendNotification<K extends ChannelKind>(
  kind: K,
  config: ChannelConfigs[K],
  notification: AlertNotification,
  { timeoutMs }: SendOptions,
): Promise<DeliveryResult> {
  if (!(CHANNEL_KINDS as readonly string[]).includes(kind)) {
    return failure(null, `unknown channel kind ${storableText(String(kind), 50)}`, false);
  }
  // A stored configuration may predate a rule it breaks: refused here as it would be on input.
  const parsed = channelConfigSchema(kind).safeParse(config);
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error)
      .map((e) => `${e.field} ${e.message}`)
      .join('; ');
    return failure(null, `invalid channel configuration: ${problems}`, false);
  }
  const secrets = secretFieldsOf(kind, parsed.data);
  const channel: ChannelKind = kind;
  try {
    switch (channel) {
      case 'webhook':
        return await sendWebhook(parsed.data as WebhookConfig, notification, timeoutMs, secrets);
      case 'slack':
      case 'teams':
      case 'discord': {
        const body = chatBody(channel, notification);
        return await postJson((parsed.data as ChatConfig).url, body, {}, timeoutMs, secrets);
      }
      case 'email':
        return await sendEmail(parsed.data as EmailConfig, notification, timeoutMs, secrets);
    }
  } catch (err) {
    // Not expected (every path above catches its own failures): still a result, never a throw.
    return failure(null, `could not send: ${clean(messageOf(err), secrets)}`, true);
  }
}

function failure(status: number | null, error: string, retryable: boolean): DeliveryResult {
  return { ok: false, status_code: status, response: '', error, retryable };
}

/** `text` as it may be stored and shown: secrets cut out, then made storable and shortened. */
function clean(text: string, secrets: readonly string[], max = ERROR_DETAIL_CHARS): string {
  return storableText(scrubSecrets(text, secrets), max);
}

/**
 * An error's fields, read without `instanceof`: fetch's errors come from Node's own realm, which
 * is not the caller's under a test runner's sandbox.
 */
function errorFields(err: unknown): {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
} {
  return typeof err === 'object' && err !== null ? err : {};
}

function messageOf(err: unknown): string {
  const { message } = errorFields(err);
  return typeof message === 'string' ? message : String(err);
}

async function sendWebhook(
  config: WebhookConfig,
  notification: AlertNotification,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<DeliveryResult> {
  const body = Buffer.from(webhookBody(notification), 'utf8');
  const headers: Record<string, string> = {
    ...config.headers,
    [WEBHOOK_DELIVERY_HEADER]: notification.delivery_id,
  };
  if (config.secret) {
    const mac = createHmac('sha256', Buffer.from(config.secret, 'utf8')).update(body);
    headers[WEBHOOK_SIGNATURE_HEADER] = `sha256=${mac.digest('hex')}`;
  }
  return postJson(config.url, body, headers, timeoutMs, secrets);
}

/** 408 Request Timeout, 425 Too Early, 429 Too Many Requests and every 5xx may pass later. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * POSTs a JSON body. Redirects are not followed: a channel URL answering 3xx would otherwise
 * carry the body, its signature and custom headers to wherever the Location points.
 */
async function postJson(
  url: string,
  body: string | Buffer,
  extraHeaders: Record<string, string>,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<DeliveryResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        ...extraHeaders,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
      },
      body,
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    return failure(null, ...describeFetchError(err, timeoutMs, secrets));
  }
  // A body that stalls after the status is still an answer: the status decides.
  const raw = await readStart(res, RESPONSE_READ_BYTES).catch(() => '');
  const response = clean(raw, secrets, RESPONSE_CHARS);
  const status = res.status;
  if (status >= 200 && status <= 299) {
    return { ok: true, status_code: status, response, error: null, retryable: false };
  }
  let error: string;
  if (status >= 300 && status <= 399) {
    error = `HTTP ${status}: redirect not followed (a channel URL must answer itself)`;
  } else {
    const detail = oneLine(response) || res.statusText;
    error = storableText(`HTTP ${status}${detail ? `: ${detail}` : ''}`, ERROR_DETAIL_CHARS);
  }
  return { ok: false, status_code: status, response, error, retryable: retryableStatus(status) };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first `maxBytes` of the body as text; the rest is left unread. */
async function readStart(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

/** Node's error codes for a connection that could not be made or was lost. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CLOSED: 'connection closed by the receiver',
  UND_ERR_HEADERS_TIMEOUT: 'no answer from the receiver',
  ECONNABORTED: 'connection aborted',
};

/** [error, retryable] for a fetch that got no answer. */
function describeFetchError(
  err: unknown,
  timeoutMs: number,
  secrets: readonly string[],
): [string, boolean] {
  const { name, cause } = errorFields(err);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return [`timed out after ${timeoutMs} ms`, true];
  }
  const causeCode = errorFields(cause).code;
  const code = typeof causeCode === 'string' ? causeCode : null;
  if (code && NETWORK_ERRORS[code]) return [NETWORK_ERRORS[code], true];
  if (code && /CERT|SSL|TLS/i.test(code)) return [`TLS failed: ${code}`, true];
  if (cause) {
    const detail = messageOf(cause);
    return [`request failed: ${clean(code ? `${code} ${detail}` : detail, secrets)}`, true];
  }
  // No cause: fetch refused the request itself (a URL or header it cannot send), which no
  // retry changes.
  return [`request refused: ${clean(messageOf(err), secrets)}`, false];
}

interface SmtpError {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
  cause?: unknown;
}

async function sendEmail(
  config: EmailConfig,
  notification: AlertNotification,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<DeliveryResult> {
  const message = emailMessage(notification);
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    ...(config.username !== undefined
      ? { auth: { user: config.username, pass: config.password ?? '' } }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    tls: { rejectUnauthorized: config.tls_reject_unauthorized ?? true, minVersion: 'TLSv1.2' },
    // Nothing in an alert reads files or URLs into the message.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      // The same id as a webhook's, for a mail filter or a ticket system to deduplicate on.
      headers: { [WEBHOOK_DELIVERY_HEADER]: notification.delivery_id },
      // connection, greeting and socket timeouts bound each wait; this bounds the whole send.
      signal: AbortSignal.timeout(timeoutMs),
    });
    const reply = String(info.response ?? '');
    const code = /^(\d{3})/.exec(reply);
    const rejected = (info.rejected ?? []).map(String);
    const response = clean(
      rejected.length ? `${reply} (rejected: ${rejected.join(', ')})` : reply,
      secrets,
      RESPONSE_CHARS,
    );
    return {
      ok: true,
      status_code: code ? Number(code[1]) : null,
      response,
      error: null,
      retryable: false,
    };
  } catch (err) {
    return describeSmtpError(err as SmtpError, timeoutMs, secrets);
  } finally {
    transport.close();
  }
}

function describeSmtpError(
  err: SmtpError,
  timeoutMs: number,
  secrets: readonly string[],
): DeliveryResult {
  const reply = typeof err.response === 'string' ? err.response : '';
  const response = clean(reply, secrets, RESPONSE_CHARS);
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  if (code !== null) {
    // RFC 5321: 4yz is a transient failure, 5yz a permanent one.
    const at = err.command ? ` at ${err.command}` : '';
    return {
      ok: false,
      status_code: code,
      response,
      error: clean(`SMTP ${code}${at}: ${oneLine(reply)}`, secrets),
      retryable: code >= 400 && code <= 499,
    };
  }
  const result = (error: string, retryable: boolean): DeliveryResult => ({
    ok: false,
    status_code: null,
    response,
    error,
    retryable,
  });
  const systemCode = err.originalCode ?? '';
  switch (err.code ?? '') {
    case 'EABORT':
    case 'ETIMEDOUT':
      return result(`timed out after ${timeoutMs} ms`, true);
    case 'EDNS':
      return result('host not found', true);
    case 'ETLS':
      return result(`TLS failed: ${clean(err.message ?? '', secrets)}`, true);
    case 'ECONNECTION':
    case 'ESOCKET':
      if (NETWORK_ERRORS[systemCode]) return result(NETWORK_ERRORS[systemCode], true);
      if (/CERT|SSL|TLS/i.test(systemCode) || /certificate/i.test(err.message ?? '')) {
        return result(`TLS failed: ${clean(err.message ?? systemCode, secrets)}`, true);
      }
      return result(`connection failed: ${clean(err.message ?? '', secrets)}`, true);
    case 'EAUTH':
    case 'ENOAUTH':
      return result(`authentication failed: ${clean(err.message ?? '', secrets)}`, false);
    default:
      // Refused before anything was sent (an address, the configuration): no retry changes it.
      return result(`could not send: ${clean(err.message ?? String(err.code), secrets)}`, false);
  }
}
