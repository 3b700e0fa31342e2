import { SMTP_PASSWORD, startSmtp, stopSmtp } from '../../../test/support/smtp-receiver';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { AlertNotification } from '@omni2/contracts';
import { generate } from 'selfsigned';
import type { EmailConfig, WebhookConfig } from './channel-config';
import { sendNotification } from './send-notification';

const SECRET = 'whsec-0123456789abcdef-signing';
const TOKEN = 'tok-secret-7f3a9c1e5b';

const notification: AlertNotification = {
  delivery_id: '0b8f6a1e-5c2d-4e7f-9a3b-1c2d3e4f5a6b',
  kind: 'alert',
  event: 'server_down',
  severity: 'error',
  title: 'billing is down: circuit opened after 3 failures',
  text: 'Last error: connect ECONNREFUSED 10.0.0.7:8080 (down for 2 minutes)',
  server: { id: 'srv-1', name: 'billing' },
  rule: { id: 'rule-1', name: 'page on-call' },
  occurred_at: '2026-12-05T10:00:00.000Z',
  event_id: '42',
  url: 'https://omni2.example.test/servers/srv-1',
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  signatureValid: boolean | null;
}

/**
 * A real HTTP receiver on loopback. It checks X-Omni2-Signature over the raw body with SECRET
 * and records every request; the path picks its answer.
 */
class Receiver {
  readonly received: Received[] = [];
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const path = (req.url ?? '').split('?')[0];
        const signature = req.headers['x-omni2-signature'];
        let signatureValid: boolean | null = null;
        if (typeof signature === 'string') {
          const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
          signatureValid =
            expected.length === signature.length &&
            timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
        }
        this.received.push({ path, headers: req.headers, body, signatureValid });
        if (path === '/hang') return; // never answers
        if (path.startsWith('/status/')) {
          res.writeHead(Number(path.slice('/status/'.length)), { 'content-type': 'text/plain' });
          res.end(`receiver says ${req.url}`);
          return;
        }
        if (path === '/redirect') {
          res.writeHead(302, { location: `${this.base}/elsewhere` });
          res.end();
          return;
        }
        if (path === '/echo') {
          // A careless receiver: its error page repeats what it was sent.
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: `bad signing key ${SECRET}`,
              seen_authorization: req.headers.authorization,
              note: `token was ${TOKEN}`,
            }),
          );
          return;
        }
        if (path === '/hook' && signatureValid === false) {
          res.writeHead(401).end('bad signature');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('accepted\u0000 ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('sendNotification over HTTP (real loopback receiver)', () => {
  const receiver = new Receiver();
  const webhook = (path: string, extra: Partial<WebhookConfig> = {}): WebhookConfig => ({
    url: `${receiver.base}${path}`,
    secret: SECRET,
    ...extra,
  });

  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(() => receiver.received.splice(0));

  it('signs a webhook: the receiver verifies the HMAC over the raw body, which is the notification', async () => {
    const result = await sendNotification('webhook', webhook('/hook'), notification, {
      timeoutMs: 5000,
    });
    expect(result).toEqual({
      ok: true,
      status_code: 200,
      response: 'accepted\uFFFD ok',
      error: null,
      retryable: false,
    });
    const [got] = receiver.received;
    expect(got.signatureValid).toBe(true);
    expect(got.headers['x-omni2-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(got.headers['x-omni2-delivery']).toBe(notification.delivery_id);
    expect(got.headers['content-type']).toBe('application/json');
    expect(JSON.parse(got.body.toString('utf8'))).toEqual(notification);
  });

  it('sends no signature without a secret, and the same delivery id and bytes on a retry', async () => {
    await sendNotification('webhook', webhook('/hook', { secret: undefined }), notification, {
      timeoutMs: 5000,
    });
    expect(receiver.received[0].headers['x-omni2-signature']).toBeUndefined();
    receiver.received.splice(0);

    const first = await sendNotification('webhook', webhook('/status/503'), notification, {
      timeoutMs: 5000,
    });
    const retry = await sendNotification('webhook', webhook('/hook'), notification, {
      timeoutMs: 5000,
    });
    expect(first.retryable).toBe(true);
    expect(retry.ok).toBe(true);
    const [a, b] = receiver.received;
    expect(a.headers['x-omni2-delivery']).toBe(notification.delivery_id);
    expect(b.headers['x-omni2-delivery']).toBe(notification.delivery_id);
    expect(a.headers['x-omni2-signature']).toBe(b.headers['x-omni2-signature']);
    expect(a.body.equals(b.body)).toBe(true);
  });

  it('adds custom headers', async () => {
    const result = await sendNotification(
      'webhook',
      webhook('/hook', { headers: { 'X-Team': 'payments', Authorization: `Bearer ${TOKEN}` } }),
      notification,
      { timeoutMs: 5000 },
    );
    expect(result.ok).toBe(true);
    const [got] = receiver.received;
    expect(got.headers['x-team']).toBe('payments');
    expect(got.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got.signatureValid).toBe(true);
  });

  it('a 500 is retryable and names the status with the start of the answer', async () => {
    const result = await sendNotification('webhook', webhook('/status/500'), notification, {
      timeoutMs: 5000,
    });
    expect(result).toEqual({
      ok: false,
      status_code: 500,
      response: 'receiver says /status/500',
      error: 'HTTP 500: receiver says /status/500',
      retryable: true,
    });
  });

  it.each([408, 425, 429, 502])('a %d is retryable', async (status) => {
    const result = await sendNotification('webhook', webhook(`/status/${status}`), notification, {
      timeoutMs: 5000,
    });
    expect(result).toMatchObject({ ok: false, status_code: status, retryable: true });
  });

  it.each([400, 404, 410])('a %d is not retryable', async (status) => {
    const result = await sendNotification('webhook', webhook(`/status/${status}`), notification, {
      timeoutMs: 5000,
    });
    expect(result).toMatchObject({ ok: false, status_code: status, retryable: false });
    expect(result.error).toMatch(new RegExp(`^HTTP ${status}: `));
  });

  it('a receiver that never answers times out, retryable', async () => {
    const started = Date.now();
    const result = await sendNotification('webhook', webhook('/hang'), notification, {
      timeoutMs: 300,
    });
    expect(result).toEqual({
      ok: false,
      status_code: null,
      response: '',
      error: 'timed out after 300 ms',
      retryable: true,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(receiver.received).toHaveLength(1);
  });

  it('a refused connection is retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await sendNotification(
      'webhook',
      { url: `http://127.0.0.1:${port}/hook`, secret: SECRET },
      notification,
      { timeoutMs: 5000 },
    );
    expect(result).toEqual({
      ok: false,
      status_code: null,
      response: '',
      error: 'connection refused',
      retryable: true,
    });
  });

  it('does not follow a 302: a failure that names the status, not retried', async () => {
    const result = await sendNotification(
      'webhook',
      webhook('/redirect', { headers: { Authorization: `Bearer ${TOKEN}` } }),
      notification,
      { timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ ok: false, status_code: 302, retryable: false });
    expect(result.error).toMatch(/^HTTP 302: redirect not followed/);
    expect(receiver.received.map((r) => r.path)).toEqual(['/redirect']);
  });

  it('never stores or shows the secret or a header credential the receiver echoes back', async () => {
    const result = await sendNotification(
      'webhook',
      webhook('/echo', { headers: { Authorization: `Bearer ${TOKEN}` } }),
      notification,
      { timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ ok: false, status_code: 500, retryable: true });
    const shown = `${result.response}\n${result.error}`;
    expect(shown).toContain('bad signing key ***');
    for (const secret of [SECRET, TOKEN, `Bearer ${TOKEN}`]) expect(shown).not.toContain(secret);
  });

  it('never shows a chat URL (its token) that the receiver echoes back', async () => {
    const url = `${receiver.base}/status/404?token=${TOKEN}`;
    const result = await sendNotification('slack', { url }, notification, { timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, status_code: 404, retryable: false });
    expect(`${result.response}\n${result.error}`).not.toContain(TOKEN);
  });

  it('posts the Slack, Teams and Discord formats as JSON to a loopback relay', async () => {
    for (const kind of ['slack', 'teams', 'discord'] as const) {
      const result = await sendNotification(
        kind,
        { url: `${receiver.base}/chat/${kind}` },
        notification,
        { timeoutMs: 5000 },
      );
      expect(result.ok).toBe(true);
    }
    const [slack, teams, discord] = receiver.received.map((r) => ({
      headers: r.headers,
      body: JSON.parse(r.body.toString('utf8')),
    }));
    expect(slack.headers['content-type']).toBe('application/json');
    expect(slack.headers['x-omni2-signature']).toBeUndefined();
    expect(slack.body.blocks[0].type).toBe('header');
    expect(teams.body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(discord.body.embeds[0].title).toBe(notification.title);
  });

  it('refuses a configuration that breaks its schema, or an unknown kind, without sending', async () => {
    const result = await sendNotification(
      'webhook',
      { url: `${receiver.base}/hook`, secret: 'short' },
      notification,
      { timeoutMs: 5000 },
    );
    expect(result).toMatchObject({ ok: false, status_code: null, retryable: false });
    expect(result.error).toMatch(/^invalid channel configuration: secret /);
    expect(result.error).not.toContain('short');
    const unknown = await sendNotification('sms' as never, { url: '' } as never, notification, {
      timeoutMs: 5000,
    });
    expect(unknown).toMatchObject({
      ok: false,
      error: 'unknown channel kind sms',
      retryable: false,
    });
    expect(receiver.received).toHaveLength(0);
  });
});

describe('sendNotification by email (real SMTP server on loopback)', () => {
  describe('plain SMTP with authentication', () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const config = (extra: Partial<EmailConfig> = {}): EmailConfig => ({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      username: 'alerts',
      password: SMTP_PASSWORD,
      from: 'omni2@example.test',
      to: ['oncall@example.test'],
      ...extra,
    });

    beforeAll(async () => {
      smtp = await startSmtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    });
    afterAll(() => stopSmtp(smtp.server));
    beforeEach(() => smtp.mails.splice(0));

    it('delivers the message, authenticated, with the SMTP reply code', async () => {
      const result = await sendNotification('email', config(), notification, { timeoutMs: 5000 });
      expect(result).toMatchObject({ ok: true, status_code: 250, error: null, retryable: false });
      expect(result.response).toMatch(/^250 /);
      expect(smtp.mails).toHaveLength(1);
      const [mail] = smtp.mails;
      expect(mail).toMatchObject({
        from: 'omni2@example.test',
        to: ['oncall@example.test'],
        user: 'alerts',
        secure: false,
      });
      expect(mail.data).toMatch(/^Subject: \[omni2 error\] billing is down/m);
      expect(mail.data).toContain(`X-Omni2-Delivery: ${notification.delivery_id}`);
      expect(mail.data).toContain('text/html');
    });

    it('a 550 reply is not retryable, and names the code', async () => {
      const result = await sendNotification(
        'email',
        config({ to: ['gone@example.test'] }),
        notification,
        { timeoutMs: 5000 },
      );
      expect(result).toMatchObject({ ok: false, status_code: 550, retryable: false });
      expect(result.error).toMatch(/^SMTP 550 at RCPT TO: 550 mailbox unavailable/);
      expect(smtp.mails).toHaveLength(0);
    });

    it('a 451 reply is retryable', async () => {
      const result = await sendNotification(
        'email',
        config({ to: ['busy@example.test'] }),
        notification,
        { timeoutMs: 5000 },
      );
      expect(result).toMatchObject({ ok: false, status_code: 451, retryable: true });
      expect(result.error).toMatch(/^SMTP 451 /);
    });

    it('a refused password is not retryable and is never shown', async () => {
      const wrong = 'wrong-password-1234';
      const result = await sendNotification('email', config({ password: wrong }), notification, {
        timeoutMs: 5000,
      });
      expect(result).toMatchObject({ ok: false, status_code: 535, retryable: false });
      expect(`${result.response}${result.error}`).not.toContain(wrong);
    });

    it('a server that never greets times out, retryable', async () => {
      const silent = createNetServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      try {
        const result = await sendNotification('email', config({ port }), notification, {
          timeoutMs: 300,
        });
        expect(result).toEqual({
          ok: false,
          status_code: null,
          response: '',
          error: 'timed out after 300 ms',
          retryable: true,
        });
      } finally {
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });

    it('a refused connection is retryable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const result = await sendNotification('email', config({ port }), notification, {
        timeoutMs: 5000,
      });
      expect(result).toEqual({
        ok: false,
        status_code: null,
        response: '',
        error: 'connection refused',
        retryable: true,
      });
    });
  });

  describe('STARTTLS with a self-signed certificate', () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const config = (extra: Partial<EmailConfig> = {}): EmailConfig => ({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'starttls',
      username: 'alerts',
      password: SMTP_PASSWORD,
      from: 'omni2@example.test',
      to: ['oncall@example.test'],
      ...extra,
    });

    beforeAll(async () => {
      const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
      });
      // Authentication only after STARTTLS (allowInsecureAuth is off).
      smtp = await startSmtp({ key: pems.private, cert: pems.cert });
    });
    afterAll(() => stopSmtp(smtp.server));
    beforeEach(() => smtp.mails.splice(0));

    it('upgrades, authenticates and delivers when told to accept the certificate', async () => {
      const result = await sendNotification(
        'email',
        config({ tls_reject_unauthorized: false }),
        notification,
        { timeoutMs: 5000 },
      );
      expect(result).toMatchObject({ ok: true, status_code: 250, retryable: false });
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toMatchObject({ user: 'alerts', secure: true });
    });

    it('refuses a certificate that does not verify by default: nothing is sent', async () => {
      const result = await sendNotification('email', config(), notification, { timeoutMs: 5000 });
      expect(result).toMatchObject({ ok: false, status_code: null, retryable: true });
      expect(result.error).toMatch(/^TLS failed: /);
      expect(result.error).not.toContain(SMTP_PASSWORD);
      expect(smtp.mails).toHaveLength(0);
    });
  });
});
