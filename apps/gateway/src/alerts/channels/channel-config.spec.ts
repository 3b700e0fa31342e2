import { CHANNEL_KINDS, type ChannelKind } from '@omni2/contracts';
import { fieldErrors } from '../../common/zod-body';
import {
  channelConfigSchema,
  redactedConfig,
  secretFieldsOf,
  type ChannelConfig,
} from './channel-config';

/** The 400 body's field errors for `input`, or [] when it is accepted. */
function problems(kind: ChannelKind, input: unknown) {
  const result = channelConfigSchema(kind).safeParse(input);
  return result.success ? [] : fieldErrors(result.error);
}

const SECRET = 'a-signing-secret-of-32-characters';
const emailBase = {
  host: 'smtp.example.test',
  port: 587,
  security: 'starttls',
  username: 'alerts',
  password: 'smtp-password',
  from: 'omni2@example.test',
  to: ['oncall@example.test'],
};

describe('webhook channel config', () => {
  it('accepts a URL with a secret and custom headers', () => {
    expect(
      problems('webhook', {
        url: 'https://hooks.example.test/omni2?x=1',
        secret: SECRET,
        headers: { 'X-Team': 'payments', Authorization: 'Bearer abc' },
      }),
    ).toEqual([]);
    expect(problems('webhook', { url: 'http://127.0.0.1:8080/alerts' })).toEqual([]);
  });

  it('refuses a line break in a header value, naming the header', () => {
    expect(
      problems('webhook', { url: 'https://h.example.test', headers: { 'X-A': 'a\r\nX-B: b' } }),
    ).toEqual([{ field: 'headers.X-A', message: 'must not contain line breaks' }]);
  });

  it('refuses overriding the signature, delivery and content-type headers, in any case', () => {
    expect(
      problems('webhook', {
        url: 'https://h.example.test',
        headers: { 'x-omni2-signature': 'sha256=00', 'X-Omni2-Delivery': 'd', 'Content-Type': 't' },
      }),
    ).toEqual([
      {
        field: 'headers.x-omni2-signature',
        message: 'is set by omni2 and cannot be overridden (X-Omni2-Signature)',
      },
      {
        field: 'headers.X-Omni2-Delivery',
        message: 'is set by omni2 and cannot be overridden (X-Omni2-Delivery)',
      },
      {
        field: 'headers.Content-Type',
        message: 'is set by omni2 and cannot be overridden (content-type)',
      },
    ]);
  });

  it('refuses a bad header name, a name given twice, a short secret and a bad URL', () => {
    expect(
      problems('webhook', {
        url: 'ftp://h.example.test',
        secret: 'short',
        headers: { 'Bad Name': 'x', 'X-A': '1', 'x-a': '2' },
      }),
    ).toEqual([
      { field: 'url', message: 'must be an absolute http:// or https:// URL' },
      { field: 'secret', message: 'must be at least 16 characters' },
      { field: 'headers.Bad Name', message: 'must be a valid HTTP header name' },
      { field: 'headers.x-a', message: 'is given twice (header names ignore case)' },
    ]);
    expect(problems('webhook', { url: 'https://user:pw@h.example.test' })).toEqual([
      { field: 'url', message: 'must not contain a user name or password' },
    ]);
    expect(problems('webhook', { url: ' https://h.example.test' })).toEqual([
      { field: 'url', message: 'must not contain spaces or control characters' },
    ]);
    expect(
      problems('webhook', { url: 'https://h.example.test', secret: `${SECRET}\u0000` }),
    ).toEqual([{ field: 'secret', message: 'must not contain NUL characters' }]);
  });

  it('refuses unknown fields', () => {
    expect(problems('webhook', { url: 'https://h.example.test', method: 'PUT' })).toEqual([
      { field: 'method', message: 'is not a known field' },
    ]);
  });
});

describe('chat channel config (slack, teams, discord)', () => {
  it.each(['slack', 'teams', 'discord'] as const)(
    '%s: https anywhere, http only on loopback',
    (kind) => {
      expect(problems(kind, { url: 'https://hooks.slack.com/services/T0/B0/XYZ' })).toEqual([]);
      for (const url of [
        'http://127.0.0.1:9000/hook',
        'http://localhost/hook',
        'http://[::1]:8080/hook',
      ]) {
        expect(problems(kind, { url })).toEqual([]);
      }
      for (const url of [
        'http://hooks.slack.com/services/T0/B0/XYZ',
        'http://alerts.example.test/hook',
      ]) {
        expect(problems(kind, { url })).toEqual([
          {
            field: 'url',
            message: 'must be an https:// URL (http:// only to 127.0.0.1, localhost or [::1])',
          },
        ]);
      }
      expect(problems(kind, {})).toEqual([{ field: 'url', message: expect.any(String) }]);
    },
  );
});

describe('email channel config', () => {
  it('accepts a complete configuration, and an IP host without authentication', () => {
    expect(problems('email', emailBase)).toEqual([]);
    expect(
      problems('email', {
        host: '127.0.0.1',
        port: 25,
        security: 'none',
        from: 'omni2@example.test',
        to: ['a@example.test', 'b@example.test'],
        tls_reject_unauthorized: false,
      }),
    ).toEqual([]);
  });

  it('refuses a bad email address, naming where it is', () => {
    expect(
      problems('email', { ...emailBase, from: 'not-an-address', to: ['ok@example.test', 'x@'] }),
    ).toEqual([
      { field: 'from', message: 'must be an email address' },
      { field: 'to.1', message: 'must be an email address' },
    ]);
  });

  it('refuses a bad host, port, security, no recipients, and a password without a user', () => {
    const noUser: Partial<typeof emailBase> = { ...emailBase };
    delete noUser.username;
    expect(
      problems('email', {
        ...noUser,
        host: 'smtp\nexample',
        port: 70_000,
        security: 'ssl',
        to: [],
      }),
    ).toEqual([
      { field: 'host', message: 'must not contain control characters' },
      { field: 'host', message: 'must be a host name or an IP address' },
      { field: 'port', message: expect.stringMatching(/65535/) },
      { field: 'security', message: 'must be one of tls, starttls, none' },
      { field: 'to', message: 'must name at least one recipient' },
    ]);
    expect(problems('email', noUser)).toEqual([
      { field: 'username', message: 'is required with password' },
    ]);
    expect(
      problems('email', { ...emailBase, to: Array.from({ length: 51 }, (_, i) => `u${i}@x.test`) }),
    ).toEqual([{ field: 'to', message: 'must name at most 50 recipients' }]);
  });
});

describe('secretFieldsOf and redactedConfig', () => {
  const configs: Record<ChannelKind, ChannelConfig> = {
    webhook: {
      url: 'https://h.example.test/hook',
      secret: SECRET,
      headers: { 'X-Team': 'payments', Authorization: `Basic ${btoa('bot:basic-pass')}` },
    },
    slack: { url: 'https://hooks.slack.com/services/T000/B000/slacktoken123' },
    teams: { url: 'https://example.webhook.office.com/webhookb2/teams-token-1' },
    discord: { url: 'https://discord.com/api/webhooks/1/discord-token-1' },
    email: { ...emailBase, security: 'starttls' },
  };

  it('lists every secret value, longest first', () => {
    expect(secretFieldsOf('webhook', configs.webhook)).toEqual(
      expect.arrayContaining([SECRET, 'payments', 'bot:basic-pass', 'basic-pass']),
    );
    expect(secretFieldsOf('slack', configs.slack)).toEqual([
      'https://hooks.slack.com/services/T000/B000/slacktoken123',
      'hooks.slack.com/services/T000/B000/slacktoken123',
      '/services/T000/B000/slacktoken123',
    ]);
    expect(secretFieldsOf('email', configs.email)).toContain('smtp-password');
    for (const kind of CHANNEL_KINDS) {
      const secrets = secretFieldsOf(kind, configs[kind]);
      expect(secrets).toEqual([...secrets].sort((a, b) => b.length - a.length));
    }
  });

  it('hides them in the API view, keeping the chat URL origin', () => {
    expect(redactedConfig('webhook', configs.webhook)).toEqual({
      url: 'https://h.example.test/hook',
      secret: '***',
      headers: { 'X-Team': '***', Authorization: '***' },
    });
    expect(redactedConfig('slack', configs.slack)).toEqual({ url: 'https://hooks.slack.com/***' });
    expect(redactedConfig('discord', configs.discord)).toEqual({ url: 'https://discord.com/***' });
    expect(redactedConfig('email', configs.email)).toEqual({ ...emailBase, password: '***' });
    expect(redactedConfig('webhook', { url: 'https://h.example.test' })).toEqual({
      url: 'https://h.example.test',
    });
    for (const kind of CHANNEL_KINDS) {
      const shown = JSON.stringify(redactedConfig(kind, configs[kind]));
      for (const secret of secretFieldsOf(kind, configs[kind])) {
        expect(shown).not.toContain(secret);
      }
    }
  });
});
