import type { AlertChannelView, AlertRuleView } from '@omni2/contracts';
import { ApiError } from '../core/api-error';
import { windowView } from '../core/testing';
import {
  channelBody,
  channelFormFrom,
  cronInWords,
  emptyChannelForm,
  emptyRuleForm,
  ruleBody,
  ruleConditions,
  ruleFormFrom,
  scopeText,
  targetSummary,
  toLocalInput,
  windowBody,
  windowFormFrom,
  windowWhen,
} from './alert-forms';
import { generalMessage } from './dialog-errors';

function channel(patch: Partial<AlertChannelView> = {}): AlertChannelView {
  return {
    id: 'c1',
    name: 'ops',
    kind: 'webhook',
    config: { url: 'https://hooks.example.com/x', secret: '***', headers: { 'X-Team': '***' } },
    enabled: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

function rule(patch: Partial<AlertRuleView> = {}): AlertRuleView {
  return {
    id: 'r1',
    name: 'down',
    events: ['server_down'],
    server_scope: 'all',
    server_ids: [],
    name_pattern: null,
    min_failures: null,
    min_duration_seconds: 0,
    reminder_interval_seconds: null,
    send_recovery: true,
    channel_ids: ['c1'],
    enabled: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

describe('alert forms', () => {
  it('builds each kind’s config, leaving empty optional fields out', () => {
    const form = { ...emptyChannelForm(), name: ' ops ', url: ' https://h.example/x ' };
    expect(channelBody(form, null)).toEqual({
      name: 'ops',
      kind: 'webhook',
      enabled: true,
      config: { url: 'https://h.example/x' },
    });
    const email = {
      ...emptyChannelForm(),
      kind: 'email' as const,
      host: 'smtp.example.com',
      port: '465',
      security: 'tls' as const,
      from: 'omni2@example.com',
      to: 'a@example.com, b@example.com\nc@example.com\n',
    };
    expect(channelBody(email, null).config).toEqual({
      host: 'smtp.example.com',
      port: 465,
      security: 'tls',
      from: 'omni2@example.com',
      to: ['a@example.com', 'b@example.com', 'c@example.com'],
    });
    // Not a number: sent as typed so the gateway's 400 names config.port.
    expect(channelBody({ ...email, port: '25x' }, null).config['port']).toBe('25x');
    expect(channelBody({ ...form, kind: 'slack', secret: 'ignored' }, null).config).toEqual({
      url: 'https://h.example/x',
    });
  });

  it('sends stored secrets back as "***" on an edit, without the kind', () => {
    const stored = channel();
    const body = channelBody(channelFormFrom(stored), stored);
    expect(body).toEqual({
      name: 'ops',
      enabled: true,
      config: { url: 'https://hooks.example.com/x', secret: '***', headers: { 'X-Team': '***' } },
    });
    // An email relay whose certificate is not verified stays so through an edit.
    const relay = channel({
      kind: 'email',
      config: {
        host: 'relay.internal',
        port: 587,
        security: 'starttls',
        tls_reject_unauthorized: false,
        from: 'omni2@example.test',
        to: ['ops@example.test'],
      },
    });
    expect(channelBody(channelFormFrom(relay), relay).config).toMatchObject({
      tls_reject_unauthorized: false,
    });
    const verified = channel({
      kind: 'email',
      config: { ...relay.config, tls_reject_unauthorized: true },
    });
    expect(channelBody(channelFormFrom(verified), verified).config).not.toHaveProperty(
      'tls_reject_unauthorized',
    );
    const chat = channel({ kind: 'discord', config: { url: 'https://discord.com/***' } });
    expect(channelBody(channelFormFrom(chat), chat).config).toEqual({
      url: 'https://discord.com/***',
    });
  });

  it('summarizes where a channel sends', () => {
    expect(targetSummary(channel())).toBe('https://hooks.example.com/x');
    expect(
      targetSummary(
        channel({
          kind: 'email',
          config: { host: 'smtp.x', port: 587, to: ['a@x.io', 'b@x.io', 'c@x.io'] },
        }),
      ),
    ).toBe('smtp.x:587 → a@x.io, b@x.io +1');
  });

  it('turns rule fields into the API’s body: blanks are the defaults', () => {
    expect(ruleBody({ ...emptyRuleForm(), name: 'r', channelIds: ['c1'] })).toEqual({
      name: 'r',
      events: ['server_down', 'server_recovered'],
      server_scope: 'all',
      server_ids: [],
      name_pattern: null,
      min_failures: null,
      min_duration_seconds: 0,
      reminder_interval_seconds: null,
      send_recovery: true,
      channel_ids: ['c1'],
      enabled: true,
    });
    const stored = rule({
      server_scope: 'pattern',
      name_pattern: 'web-*',
      min_failures: 3,
      min_duration_seconds: 300,
      reminder_interval_seconds: 3600,
    });
    expect(ruleBody(ruleFormFrom(stored))).toMatchObject({
      server_scope: 'pattern',
      server_ids: [],
      name_pattern: 'web-*',
      min_failures: 3,
      min_duration_seconds: 300,
      reminder_interval_seconds: 3600,
    });
    expect(ruleConditions(stored)).toBe(
      'after 3 failed checks; down for 5 min; reminders every 1 h; recovery sent',
    );
    expect(ruleConditions(rule({ send_recovery: false }))).toBe(
      'when the circuit opens; no recovery message',
    );
  });

  it('describes scopes with server names', () => {
    const names: Record<string, string> = { a: 'alpha' };
    const nameOf = (id: string) => names[id];
    expect(scopeText(rule(), nameOf)).toBe('All servers');
    expect(scopeText(rule({ server_scope: 'list', server_ids: ['a', 'bbbbbbbbbb'] }), nameOf)).toBe(
      'alpha, (deleted bbbbbbbb)',
    );
    expect(scopeText(rule({ server_scope: 'pattern', name_pattern: 'db-?' }), nameOf)).toBe(
      'Names matching db-?',
    );
  });

  it('turns a one-off or recurring window into the API’s body', () => {
    const once = windowFormFrom(windowView());
    expect(windowBody(once)).toEqual({
      name: 'patching',
      starts_at: '2026-06-01T11:00:00.000Z',
      ends_at: '2026-06-01T13:00:00.000Z',
      recurrence: null,
      duration_seconds: null,
      server_scope: 'all',
      server_ids: [],
      name_pattern: null,
    });
    const recurring = {
      ...once,
      recurring: true,
      recurrence: ' 0 2 * * 0 ',
      durationMinutes: '90',
      end: '',
    };
    expect(windowBody(recurring)).toMatchObject({
      ends_at: null,
      recurrence: '0 2 * * 0',
      duration_seconds: 5400,
    });
    // A date the browser could not read goes as typed: the gateway names starts_at.
    expect(windowBody({ ...once, start: 'soon' })['starts_at']).toBe('soon');
    expect(toLocalInput(null)).toBe('');
  });

  it('says a cron schedule in words when it has a common shape', () => {
    expect(cronInWords('0 2 * * 0')).toBe('every Sunday at 02:00 UTC');
    expect(cronInWords('30 23 * * *')).toBe('every day at 23:30 UTC');
    expect(cronInWords('0 6 * * 1-5')).toBe('every weekday at 06:00 UTC');
    expect(cronInWords('0 4 1 * *')).toBe('on day 1 of every month at 04:00 UTC');
    expect(cronInWords('*/5 * * * *')).toBe('cron */5 * * * *');
    expect(
      windowWhen(windowView({ recurrence: '0 2 * * 6', duration_seconds: 3600, ends_at: null })),
    ).toMatch(/^every Saturday at 02:00 UTC, for 1 h \(from .+\)$/);
  });

  it('lists the field errors no field of the dialog shows', () => {
    const error = (fields: string[]) =>
      new ApiError(
        400,
        'VALIDATION_FAILED',
        'invalid',
        fields.map((field) => ({ field, message: 'bad' })),
      );
    const shown = ['name', 'config.headers.'];
    expect(generalMessage(null, shown)).toBeNull();
    expect(generalMessage(error(['name', 'config.headers.X-A']), shown)).toBe(
      'Please fix the marked fields.',
    );
    expect(generalMessage(error(['name', 'config.tls']), shown)).toBe('config.tls: bad');
    expect(generalMessage(new ApiError(403, 'FORBIDDEN', 'admins only'), shown)).toBe(
      'Not allowed: admins only',
    );
  });
});
