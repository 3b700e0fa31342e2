import { parsePrometheusText } from '../../test/support/prometheus-text';
import { DomainError } from '../common/domain-error';
import { FleetGauges, type FleetRow } from './fleet-gauges';
import { Metrics, toolOutcomeOf } from './metrics';
import { MetricsAccess } from './metrics-access';

const row = (name: string, patch: Partial<FleetRow> = {}): FleetRow => ({
  name,
  health_status: 'healthy',
  circuit_state: 'closed',
  consecutive_failures: 0,
  failure_cycles: 0,
  last_health_check: '2026-11-24T00:00:00.000Z',
  last_response_time_ms: 12,
  ...patch,
});

async function scrape(metrics: Metrics) {
  return parsePrometheusText(await metrics.registry.metrics());
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

describe('FleetGauges', () => {
  it('reports each server once with its current status, and forgets removed servers', async () => {
    const metrics = new Metrics();
    const fleet = new FleetGauges(metrics.registry);
    fleet.update([
      row('a'),
      row('b', { health_status: 'circuit_open', circuit_state: 'open', consecutive_failures: 5 }),
    ]);
    let parsed = await scrape(metrics);
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
    expect(parsed.value('omni2_servers', { status: 'circuit_open' })).toBe(1);
    expect(parsed.value('omni2_servers', { status: 'disabled' })).toBe(0);

    fleet.update([row('b', { last_health_check: null, last_response_time_ms: null })]);
    parsed = await scrape(metrics);
    expect(parsed.samples.filter((s) => s.labels.server === 'a')).toEqual([]);
    expect(parsed.find('omni2_server_health_status', { server: 'b' })).toHaveLength(1);
    expect(
      parsed.value('omni2_server_last_check_timestamp_seconds', { server: 'b' }),
    ).toBeUndefined();
    expect(parsed.value('omni2_servers', { status: 'healthy' })).toBe(1);
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
