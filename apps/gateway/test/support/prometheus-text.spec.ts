import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads what prom-client writes, escaped labels and histograms included', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'c_total',
      help: 'a counter',
      labelNames: ['server'],
      registers: [registry],
    });
    counter.inc({ server: 'a "quoted", odd\\name' }, 3);
    const histogram = new Histogram({
      name: 'h_seconds',
      help: 'a histogram',
      buckets: [0.1, 1],
      registers: [registry],
    });
    histogram.observe(0.5);
    const parsed = parsePrometheusText(await registry.metrics());
    expect(parsed.value('c_total', { server: 'a "quoted", odd\\name' })).toBe(3);
    expect(parsed.types.get('h_seconds')).toBe('histogram');
    expect(parsed.value('h_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(parsed.value('h_seconds_bucket', { le: '1' })).toBe(1);
    expect(parsed.value('h_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(parsed.value('h_seconds_count')).toBe(1);
    expect(parsed.value('missing')).toBeUndefined();
  });

  it('refuses malformed lines', () => {
    expect(() => parsePrometheusText('x{a="1" 2\n')).toThrow(/line 1/);
    expect(() => parsePrometheusText('x 1\ny{a=1} 2\n')).toThrow(/line 2/);
    expect(() => parsePrometheusText('x abc\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# nonsense\n')).toThrow(/bad comment/);
  });
});
