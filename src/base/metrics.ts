// Owns in-process metrics and their Prometheus text exposition (format 0.0.4): counters, gauges
// read at scrape time, and histograms, each with labels. Must not be a singleton or serve HTTP:
// each process builds one registry, passes it in, and its own listener serves render().

/** Seconds; from a cached page (~1 ms) to a stuck IMAP server (the 30 s RPC budget). */
export const latencyBucketsSeconds = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;
/** Label values longer than this are cut: a label is a name, never data. */
const maxLabelValueChars = 200;
/** Distinct label sets one metric keeps; beyond it new sets go to one "other" series. */
const maxSeriesPerMetric = 1000;

export type Labels = Readonly<Record<string, string>>;

function escapeLabelValue(value: string): string {
  return value
    .slice(0, maxLabelValueChars)
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function numberText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  lines(): string[];
}

/** Series by their label text, bounded so a bug cannot grow memory without end. */
class SeriesTable<T> {
  readonly #series = new Map<string, { labels: Labels; value: T }>();
  constructor(private readonly make: () => T) {}

  at(labels: Labels): T {
    let key = labelText(labels);
    let effective = labels;
    if (!this.#series.has(key) && this.#series.size >= maxSeriesPerMetric) {
      effective = Object.fromEntries(Object.keys(labels).map((k) => [k, 'other']));
      key = labelText(effective);
    }
    let entry = this.#series.get(key);
    if (!entry) {
      entry = { labels: effective, value: this.make() };
      this.#series.set(key, entry);
    }
    return entry.value;
  }

  entries(): { labels: Labels; value: T }[] {
    return [...this.#series.values()];
  }
}

export class Counter implements Metric {
  readonly type = 'counter';
  readonly #table = new SeriesTable(() => ({ n: 0 }));
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    this.#table.at(labels).n += by;
  }

  /** The current value of one series (0 when never counted): for tests and the detector. */
  value(labels: Labels = {}): number {
    return (
      this.#table.entries().find((e) => labelText(e.labels) === labelText(labels))?.value.n ?? 0
    );
  }

  lines(): string[] {
    return this.#table.entries().map((e) => `${this.name}${labelText(e.labels)} ${e.value.n}`);
  }
}

/** A value read when scraped (sessions held, uptime): never stale, never stored. */
export class Gauge implements Metric {
  readonly type = 'gauge';
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  lines(): string[] {
    return [`${this.name} ${numberText(this.read())}`];
  }
}

export class Histogram implements Metric {
  readonly type = 'histogram';
  readonly #table: SeriesTable<{ counts: number[]; sum: number; count: number }>;
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[] = latencyBucketsSeconds,
  ) {
    this.#table = new SeriesTable(() => ({ counts: buckets.map(() => 0), sum: 0, count: 0 }));
  }

  observe(labels: Labels, value: number): void {
    const series = this.#table.at(labels);
    this.buckets.forEach((bound, i) => {
      if (value <= bound) series.counts[i] = (series.counts[i] ?? 0) + 1;
    });
    series.sum += value;
    series.count += 1;
  }

  lines(): string[] {
    return this.#table
      .entries()
      .flatMap(({ labels, value }) => [
        ...this.buckets.map(
          (bound, i) =>
            `${this.name}_bucket${labelText(labels, ['le', numberText(bound)])} ${value.counts[i] ?? 0}`,
        ),
        `${this.name}_bucket${labelText(labels, ['le', '+Inf'])} ${value.count}`,
        `${this.name}_sum${labelText(labels)} ${value.sum}`,
        `${this.name}_count${labelText(labels)} ${value.count}`,
      ]);
  }
}

/** The metrics of one process, rendered in registration order. */
export class MetricsRegistry {
  readonly #metrics: Metric[] = [];

  #add<M extends Metric>(metric: M): M {
    if (this.#metrics.some((m) => m.name === metric.name)) {
      throw new Error(`metric ${metric.name} registered twice`);
    }
    this.#metrics.push(metric);
    return metric;
  }

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  gauge(name: string, help: string, read: () => number): Gauge {
    return this.#add(new Gauge(name, help, read));
  }

  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** The Prometheus text exposition of every metric. */
  render(): string {
    return this.#metrics
      .map((m) => [`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.lines()])
      .flat()
      .join('\n')
      .concat('\n');
  }
}

/** The Content-Type of render()'s output. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds since `startNs` (from process.hrtime.bigint()). */
export function secondsSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}
