import { parsePrometheusText } from '../../test/support/prometheus-text';
import { DomainError } from '../common/domain-error';
import { renderFleet, type FleetRow } from '../metrics-endpoint/fleet-gauges';
import { Metrics, toolOutcomeOf } from './metrics';
import { MetricsAccess } from '../metrics-endpoint/metrics-access';

const row = (name: string, patch: Partial<FleetRow> = {}): FleetRow => ({
  name,
  health_status: 'healthy',
  circuit_state: 'closed',
  consecutive_failures: 0,
  failure_cycles: 0,
  last_health_check: '2026-11-24T00:00:00.000Z',
  last_response_time_ms: 12,
  protocol: 'streamable_http',
  protocol_era: 'modern',
  protocol_version: '2026-07-28',
  ...patch,
});

async function scrape(metrics: Metrics) {
  return parsePrometheusText(await metrics.render());
}

describe('Metrics', () => {
  it('counts tool executions by outcome and passes results and errors through', async () => {
    const metrics = new Metrics();
    await metrics.timeTool('a', () => Promise.resolve({ is_error: false }));
    await metrics.timeTool('a', () => Promise.resolve({ is_error: true }));
    const timeout = new DomainError('UPSTREAM_TIMEOUT', 'slow');
    await expect(metrics.timeTool('a', () => Promise.reject(timeout))).rejects.toBe(timeout);
    const parsed = await scrape(metrics);
    for (const outcome of ['ok', 'tool_error', 'timeout']) {
      expect([
        outcome,
        parsed.value('omni2_tool_executions_total', { server: 'a', outcome }),
      ]).toEqual([outcome, 1]);
    }
    expect(
      parsed.value('omni2_tool_execution_duration_seconds_count', { server: 'a', outcome: 'ok' }),
    ).toBe(1);
  });

  it('maps errors to bounded outcomes', () => {
    expect(toolOutcomeOf(new DomainError('CIRCUIT_OPEN', 'x'))).toBe('circuit_open');
    expect(toolOutcomeOf(new DomainError('TOOL_ARGUMENTS_INVALID', 'x'))).toBe('rejected');
    expect(toolOutcomeOf(new DomainError('UPSTREAM_UNAVAILABLE', 'x'))).toBe('failed');
    expect(toolOutcomeOf(new Error('boom'))).toBe('failed');
  });

  it('drops every series of a server that no longer exists', async () => {
    const metrics = new Metrics();
    await metrics.timeCheck('gone', () => Promise.resolve(1));
    await metrics.timeCheck('kept', () => Promise.resolve(1));
    await metrics.timeTool('gone', () => Promise.resolve({ is_error: false }));
    metrics.breakerTransition('gone', 'closed', 'open');
    metrics.forgetAllBut(new Set(['kept']));
    const parsed = await scrape(metrics);
    expect(parsed.samples.filter((s) => s.labels.server === 'gone')).toEqual([]);
    expect(parsed.value('omni2_health_check_duration_seconds_count', { server: 'kept' })).toBe(1);
  });

  it('exposes the default process metrics', async () => {
    const parsed = await scrape(new Metrics());
    expect(parsed.value('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(parsed.find('nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });
});

describe('renderFleet', () => {
  it('counts the fleet by protocol era, revision and transport, and names deprecated parts', () => {
    const parsed = parsePrometheusText(
      renderFleet([
        row('m1'),
        row('m2'),
        row('l1', { protocol_era: 'legacy', protocol_version: '2025-11-25', protocol: 'stdio' }),
        row('old', { protocol_era: 'legacy', protocol_version: '2024-11-05', protocol: 'sse' }),
        row('new', { protocol_era: null, protocol_version: null }),
      ]),
    );
    const group = (era: string, version: string, transport: string, deprecated: string) =>
      parsed.value('omni2_servers_by_protocol', { era, version, transport, deprecated });
    expect(group('modern', '2026-07-28', 'streamable_http', 'false')).toBe(2);
    expect(group('legacy', '2025-11-25', 'stdio', 'false')).toBe(1);
    expect(group('legacy', '2024-11-05', 'sse', 'true')).toBe(1);
    expect(group('unknown', '', 'streamable_http', 'false')).toBe(1);
    expect(parsed.find('omni2_server_protocol_info', { server: 'old' })).toEqual([
      {
        name: 'omni2_server_protocol_info',
        labels: {
          server: 'old',
          era: 'legacy',
          version: '2024-11-05',
          transport: 'sse',
          deprecated: 'sse_transport,protocol_version',
        },
        value: 1,
      },
    ]);
  });

  it('reports each server once with its current status', () => {
    const parsed = parsePrometheusText(
      renderFleet([
        row('a'),
        row('b', { health_status: 'circuit_open', circuit_state: 'open', consecutive_failures: 5 }),
        row('c', { last_health_check: null, last_response_time_ms: null }),
      ]),
    );
    expect(parsed.find('omni2_server_health_status', { server: 'b' })).toEqual([
      {
        name: 'omni2_server_health_status',
        labels: { server: 'b', status: 'circuit_open' },
        value: 1,
      },
    ]);
    expect(parsed.value('omni2_server_circuit_state', { server: 'b', state: 'open' })).toBe(1);
    expect(parsed.value('omni2_server_consecutive_failures', { server: 'b' })).toBe(5);
    expect(parsed.value('omni2_server_response_time_seconds', { server: 'a' })).toBe(0.012);
    expect(parsed.value('omni2_server_last_check_timestamp_seconds', { server: 'a' })).toBe(
      1795478400,
    );
    expect(parsed.value('omni2_server_last_check_timestamp_seconds', { server: 'c' })).toBe(
      undefined,
    );
    expect(parsed.value('omni2_servers', { status: 'healthy' })).toBe(2);
    expect(parsed.value('omni2_servers', { status: 'circuit_open' })).toBe(1);
    expect(parsed.value('omni2_servers', { status: 'disabled' })).toBe(0);
    expect(parsed.types.get('omni2_server_health_status')).toBe('gauge');
  });
});

describe('per-server histograms', () => {
  it('are cumulative, with sum and count, and re-rendered only when they change', async () => {
    const metrics = new Metrics();
    metrics.checkDuration.observe('a', {}, 0.003);
    metrics.checkDuration.observe('a', {}, 0.2);
    metrics.checkDuration.observe('a', {}, 99);
    let parsed = parsePrometheusText(metrics.checkDuration.render());
    const bucket = (le: string) =>
      parsed.value('omni2_health_check_duration_seconds_bucket', { server: 'a', le });
    expect([bucket('0.005'), bucket('0.1'), bucket('0.25'), bucket('10'), bucket('+Inf')]).toEqual([
      1, 1, 2, 2, 3,
    ]);
    expect(parsed.value('omni2_health_check_duration_seconds_sum', { server: 'a' })).toBeCloseTo(
      99.203,
    );
    metrics.checkDuration.observe('a', {}, 0.003);
    parsed = parsePrometheusText(await metrics.render());
    expect(bucket('0.005')).toBe(2);
    expect(parsed.types.get('omni2_health_check_duration_seconds')).toBe('histogram');
  });
});

describe('MetricsAccess', () => {
  it('lets anyone in without a token', () => {
    expect(new MetricsAccess(undefined).allows(undefined)).toBe(true);
  });

  it('needs exactly the bearer token when one is set', () => {
    const access = new MetricsAccess('metrics-token-0123456789');
    expect(access.allows('Bearer metrics-token-0123456789')).toBe(true);
    expect(access.allows('bearer metrics-token-0123456789')).toBe(true);
    expect(access.allows(undefined)).toBe(false);
    expect(access.allows('Bearer metrics-token-012345678')).toBe(false);
    expect(access.allows('Bearer metrics-token-0123456789x')).toBe(false);
    expect(access.allows('metrics-token-0123456789')).toBe(false);
  });
});
