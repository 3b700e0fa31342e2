import { McpServerEntity } from '../registry/mcp-server.entity';
import { circuitEvents, statusChangeEvents } from './server-events';

function row(fields: Partial<McpServerEntity>): McpServerEntity {
  return Object.assign(new McpServerEntity(), {
    id: '00000000-0000-4000-8000-000000000001',
    name: 's',
    status: 'active',
    disabled_reason: null,
    open_until: null,
    consecutive_failures: 0,
    failure_cycles: 0,
    ...fields,
  });
}

describe('server events: one wording and one severity, whoever moved the server', () => {
  it('rates a disabled server by who disabled it', () => {
    const auto = row({ status: 'inactive', disabled_reason: 'auto', health_status: 'disabled' });
    const manual = row({
      status: 'inactive',
      disabled_reason: 'manual',
      health_status: 'disabled',
    });
    expect(statusChangeEvents(auto, 'circuit_open', 'gave up')[0].severity).toBe('error');
    expect(statusChangeEvents(manual, 'circuit_open', 'disable by ann')[0].severity).toBe(
      'warning',
    );
  });

  it('publishes nothing when the status stayed, and no recovery time for a disabled server', () => {
    expect(statusChangeEvents(row({ health_status: 'healthy' }), 'healthy', 'x')).toEqual([]);
    const disabled = row({
      status: 'inactive',
      disabled_reason: 'manual',
      health_status: 'disabled',
      open_until: new Date(Date.UTC(2030, 0, 1)),
    });
    expect(statusChangeEvents(disabled, 'circuit_open', 'x')[0].data).toMatchObject({
      recovery_eta: null,
    });
  });

  it('rates an opening circuit as an error and every other move as news, one event per move', () => {
    const open = row({ circuit_state: 'open', open_until: new Date(Date.UTC(2030, 0, 1)) });
    const events = circuitEvents(open, 'closed', ['half_open', 'half_open', 'open']);
    expect(events.map((e) => [e.severity, e.data])).toEqual([
      ['info', expect.objectContaining({ old_state: 'closed', new_state: 'half_open' })],
      [
        'error',
        expect.objectContaining({
          old_state: 'half_open',
          new_state: 'open',
          next_attempt_at: '2030-01-01T00:00:00.000Z',
        }),
      ],
    ]);
  });
});
