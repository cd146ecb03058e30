/**
 * The node's metrics while prom-client is still loading. Importing it costs tens of ms, which
 * would delay the RPC's first answer, so the node registers its series here at once and attaches
 * the prom-client backend (metrics.ts) once the node has started: every series registered and every
 * figure counted before that is replayed onto it, so nothing is lost and /metrics waits for it.
 */
import type { Counter, Histogram, HistogramSample, Labels, Metrics, Sample } from '../util/metrics.js';
import type { PromMetrics } from './metrics.js';

export class LateMetrics implements Metrics {
  private backend: PromMetrics | undefined;
  private readonly pending: Array<(backend: PromMetrics) => void> = [];
  private resolveAttached!: (backend: PromMetrics) => void;
  private readonly attached = new Promise<PromMetrics>((resolve) => (this.resolveAttached = resolve));

  /** Hands over to the real backend: registrations and figures so far are replayed, later ones go straight through. */
  attach(backend: PromMetrics): void {
    if (this.backend) throw new Error('metrics backend attached twice');
    this.backend = backend;
    for (const register of this.pending.splice(0)) register(backend);
    this.resolveAttached(backend);
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    let real: Counter | undefined;
    const early: Array<[Labels | undefined, number | undefined]> = [];
    this.whenAttached((backend) => {
      real = backend.counter(name, help, labelNames);
      for (const [labels, value] of early.splice(0)) real.inc(labels, value);
    });
    return { inc: (labels, value) => (real ? real.inc(labels, value) : void early.push([labels, value])) };
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []): Histogram {
    let real: Histogram | undefined;
    const early: Array<[number, Labels | undefined]> = [];
    this.whenAttached((backend) => {
      real = backend.histogram(name, help, buckets, labelNames);
      for (const [value, labels] of early.splice(0)) real.observe(value, labels);
    });
    return { observe: (value, labels) => (real ? real.observe(value, labels) : void early.push([value, labels])) };
  }

  sampledGauge(name: string, help: string, read: () => Sample, labelNames: readonly string[] = []): void {
    this.whenAttached((backend) => backend.sampledGauge(name, help, read, labelNames));
  }

  sampledCounter(name: string, help: string, read: () => Sample, labelNames: readonly string[] = []): void {
    this.whenAttached((backend) => backend.sampledCounter(name, help, read, labelNames));
  }

  sampledHistogram(name: string, help: string, buckets: readonly number[], read: () => ReadonlyArray<readonly [Labels, HistogramSample]>): void {
    this.whenAttached((backend) => backend.sampledHistogram(name, help, buckets, read));
  }

  /** The exposition text for GET /metrics, once the backend is attached. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return (await this.attached).exposition();
  }

  private whenAttached(register: (backend: PromMetrics) => void): void {
    if (this.backend) register(this.backend);
    else this.pending.push(register);
  }
}
