/**
 * The slice of a metrics library the node wires up: counters, gauges and histograms with labels.
 * The node passes a prom-client implementation with its own registry (src/node/metrics.ts);
 * tests and library users who want none pass `noopMetrics`. Names follow Prometheus conventions
 * (`_total` for counters, base units: seconds, bytes).
 */
export type Labels = Record<string, string>;

/** What a sampled series reads when scraped: one value, or one value per label set. */
export type Sample = number | ReadonlyArray<readonly [Labels, number]>;

/** One label set of a histogram kept elsewhere: observations per bucket (not cumulative; one per upper bound, then +Inf) and their sum. */
export interface HistogramSample {
  counts: readonly number[];
  sum: number;
}

export interface Counter {
  inc(labels?: Labels, value?: number): void;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

export interface Metrics {
  counter(name: string, help: string, labelNames?: readonly string[]): Counter;
  histogram(name: string, help: string, buckets: readonly number[], labelNames?: readonly string[]): Histogram;
  /** A gauge whose value is read at scrape time (chain height, mempool size...). */
  sampledGauge(name: string, help: string, read: () => Sample, labelNames?: readonly string[]): void;
  /** A counter kept elsewhere (bytes on the wire since start), read at scrape time. */
  sampledCounter(name: string, help: string, read: () => Sample, labelNames?: readonly string[]): void;
  /** A histogram a hot path keeps in plain arrays (the RPC server's per-call latency), read at scrape time. */
  sampledHistogram(name: string, help: string, buckets: readonly number[], read: () => ReadonlyArray<readonly [Labels, HistogramSample]>, labelNames?: readonly string[]): void;
}

const noCounter: Counter = { inc() {} };
const noHistogram: Histogram = { observe() {} };

export const noopMetrics: Metrics = {
  counter: () => noCounter,
  histogram: () => noHistogram,
  sampledGauge() {},
  sampledCounter() {},
  sampledHistogram() {},
};
