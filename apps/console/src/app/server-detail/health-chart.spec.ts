import type { HealthLogEntry } from '@omni2/contracts';
import { chartModel } from './health-chart';

const entry = (at: string, ms: number | null, error: string | null = null): HealthLogEntry => ({
  id: at,
  server_id: 's',
  event_type: 'health_check',
  status: error ? 'unhealthy' : 'healthy',
  response_time_ms: ms,
  error_message: error,
  error_kind: error ? 'timeout' : null,
  created_at: at,
});

describe('chartModel', () => {
  it('is null without checks', () => {
    expect(chartModel([])).toBeNull();
  });

  it('orders by time, scales to the slowest check and marks failures', () => {
    const model = chartModel([
      entry('2026-01-01T00:00:02Z', null, 'timed out'),
      entry('2026-01-01T00:00:00Z', 10),
      entry('2026-01-01T00:00:01Z', 20),
    ])!;
    expect(model.checks).toBe(3);
    expect(model.failures).toBe(1);
    expect(model.maxMs).toBe(20);
    const [first, second, third] = model.points;
    expect(first.x).toBeLessThan(second.x);
    expect(second.y).toBeLessThan(first.y); // slower is higher
    expect(third.ok).toBe(false);
    expect(model.line.split(' ')).toHaveLength(2); // failed checks are not on the line
    expect(model.band.map((b) => b.cls)).toEqual(['band-healthy', 'band-healthy', 'band-failed']);
  });

  it('bands a check that found no usable OAuth token in its own colour, not as failed', () => {
    const model = chartModel([
      entry('2026-01-01T00:00:00Z', 10),
      {
        ...entry('2026-01-01T00:00:01Z', null, 'no usable OAuth token'),
        status: 'auth_required',
        error_kind: 'auth',
      },
    ])!;
    expect(model.band.map((b) => b.cls)).toEqual(['band-healthy', 'band-auth_required']);
  });
});
