/**
 * The node's metrics: prom-client with one Registry per node (never prom-client's global
 * default registry, so two nodes in one process, as in tests, keep their own figures), plus
 * Node's process metrics (event-loop lag, heap, GC) on the same registry.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HistogramSample, Labels, Metrics, Sample } from '../util/metrics.js';

function apply(sample: Sample, set: (value: number, labels?: Record<string, string>) => void): void {
  if (typeof sample === 'number') set(sample);
  else for (const [labels, value] of sample) set(value, labels);
}

/** A series read when scraped: its collect() resets it and writes what `read` gives. */
function sampled<M extends { reset(): void }>(registry: Registry, name: string, help: string, labelNames: readonly string[], read: () => Sample, write: (metric: M, value: number, labels?: Record<string, string>) => void) {
  return {
    name,
    help,
    labelNames,
    registers: [registry],
    collect(this: M) {
      this.reset();
      apply(read(), (value, labels) => write(this, value, labels));
    },
  };
}

export class PromMetrics implements Metrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  counter(name: string, help: string, labelNames: readonly string[] = []) {
    const counter = new Counter({ name, help, labelNames, registers: [this.registry] });
    return { inc: (labels?: Record<string, string>, value = 1) => (labels ? counter.inc(labels, value) : counter.inc(value)) };
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []) {
    const histogram = new Histogram({ name, help, buckets: [...buckets], labelNames, registers: [this.registry] });
    return { observe: (value: number, labels?: Record<string, string>) => (labels ? histogram.observe(labels, value) : histogram.observe(value)) };
  }

  sampledGauge(name: string, help: string, read: () => Sample, labelNames: readonly string[] = []): void {
    new Gauge(sampled<Gauge>(this.registry, name, help, labelNames, read, (gauge, value, labels) => (labels ? gauge.set(labels, value) : gauge.set(value))));
  }

  /** The running total lives elsewhere: reset and set it, as a counter only goes up from zero. */
  sampledCounter(name: string, help: string, read: () => Sample, labelNames: readonly string[] = []): void {
    new Counter(sampled<Counter>(this.registry, name, help, labelNames, read, (counter, value, labels) => (labels ? counter.inc(labels, value) : counter.inc(value))));
  }

  /**
   * Registered as a collector of its own (prom-client's Histogram cannot be set from counts):
   * the values take the shape prom-client's histograms give, so the registry writes them alike.
   */
  sampledHistogram(name: string, help: string, buckets: readonly number[], read: () => ReadonlyArray<readonly [Labels, HistogramSample]>): void {
    const values = () =>
      read().flatMap(([labels, { counts, sum }]) => {
        let total = 0;
        const lines = buckets.map((le, i) => {
          total += counts[i];
          return { labels: { le }, sharedLabels: labels, value: total, metricName: `${name}_bucket` };
        });
        total += counts[buckets.length];
        lines.push({ labels: { le: '+Inf' as unknown as number }, sharedLabels: labels, value: total, metricName: `${name}_bucket` });
        return [...lines, { labels: {}, sharedLabels: labels, value: sum, metricName: `${name}_sum` }, { labels: {}, sharedLabels: labels, value: total, metricName: `${name}_count` }];
      });
    const collector = { name, help, type: 'histogram', aggregator: 'sum', get: async () => ({ name, help, type: 'histogram', aggregator: 'sum', values: values() }), reset() {} };
    this.registry.registerMetric(collector as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The exposition text and its content type, for GET /metrics. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    // prom-client writes NaN as "Nan" (its util.getValueAsString); the text format says "NaN".
    // Event-loop lag is NaN until its monitor has sampled, which a scrape right after start meets.
    const text = (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
    return { contentType: this.registry.contentType, text };
  }
}
