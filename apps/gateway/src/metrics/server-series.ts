import { type Labels, formatValue, header, labelText, sample } from './exposition';

interface Series {
  server: string;
  labels: string;
  /** Rendered lines, kept until the series changes: most servers do not change between scrapes. */
  text: string | null;
}

/** Series keyed by their labels, the first of which is always the server. */
abstract class ServerFamily<S extends Series> {
  protected readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'histogram',
  ) {}

  forget(server: string): void {
    for (const [key, s] of this.series) if (s.server === server) this.series.delete(key);
  }

  servers(): Set<string> {
    return new Set([...this.series.values()].map((s) => s.server));
  }

  render(): string {
    let out = header(this.name, this.help, this.type);
    for (const s of this.series.values()) out += s.text ??= this.lines(s);
    return out;
  }

  protected entry(server: string, extra: Labels, create: (labels: string) => S): S {
    const labels = labelText({ server, ...extra });
    let s = this.series.get(labels);
    if (!s) {
      s = create(labels);
      this.series.set(labels, s);
    }
    s.text = null;
    return s;
  }

  protected abstract lines(s: S): string;
}

interface CounterSeries extends Series {
  value: number;
}

export class ServerCounter extends ServerFamily<CounterSeries> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(server: string, extra: Labels = {}, by = 1): void {
    this.entry(server, extra, (labels) => ({ server, labels, text: null, value: 0 })).value += by;
  }

  value(server: string, extra: Labels = {}): number | undefined {
    return this.series.get(labelText({ server, ...extra }))?.value;
  }

  protected lines(s: CounterSeries): string {
    return sample(this.name, s.labels, s.value);
  }
}

interface HistogramSeries extends Series {
  counts: number[];
  sum: number;
  count: number;
}

/** Cumulative buckets, `_sum` and `_count`, as Prometheus histograms are exposed. */
export class ServerHistogram extends ServerFamily<HistogramSeries> {
  private readonly les: string[];

  constructor(
    name: string,
    help: string,
    private readonly buckets: readonly number[],
  ) {
    super(name, help, 'histogram');
    this.les = buckets.map(formatValue);
  }

  observe(server: string, extra: Labels, value: number): void {
    const s = this.entry(server, extra, (labels) => ({
      server,
      labels,
      text: null,
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
    }));
    const index = this.buckets.findIndex((b) => value <= b);
    if (index >= 0) s.counts[index]++;
    s.sum += value;
    s.count++;
  }

  count(server: string, extra: Labels = {}): number | undefined {
    return this.series.get(labelText({ server, ...extra }))?.count;
  }

  protected lines(s: HistogramSeries): string {
    let out = '';
    let cumulative = 0;
    const prefix = `${this.name}_bucket{${s.labels},le="`;
    for (let i = 0; i < this.les.length; i++) {
      cumulative += s.counts[i];
      out += `${prefix}${this.les[i]}"} ${cumulative}\n`;
    }
    out += `${prefix}+Inf"} ${s.count}\n`;
    out += sample(`${this.name}_sum`, s.labels, s.sum);
    out += sample(`${this.name}_count`, s.labels, s.count);
    return out;
  }
}
