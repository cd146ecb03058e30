/**
 * The RPC calls' figures (calls by method and outcome, latency by method), counted into plain
 * arrays: a getblockcount costs a few µs, and a metrics library's labelled observe costs about
 * as much again. The node reads them at scrape time (sampled series).
 */
import type { HistogramSample, Labels, Metrics } from '../util/metrics.js';

/** From a getblockcount (tens of µs) to a long-polling getblocktemplate (a minute). */
export const RPC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60];

interface MethodFigures {
  ok: number;
  error: number;
  /** Per bucket of RPC_BUCKETS, then +Inf. */
  counts: number[];
  sum: number;
}

export class RpcStats {
  private readonly methods = new Map<string, MethodFigures>();

  /** Registers the two series on `metrics`. */
  constructor(metrics: Metrics) {
    metrics.sampledCounter('powcoin_rpc_calls_total', 'JSON-RPC calls by method and outcome', () => this.callSamples(), ['method', 'outcome']);
    metrics.sampledHistogram('powcoin_rpc_call_seconds', 'JSON-RPC call latency by method', RPC_BUCKETS, () => this.latencySamples(), ['method']);
  }

  record(method: string, seconds: number, ok: boolean): void {
    let figures = this.methods.get(method);
    if (!figures) {
      figures = { ok: 0, error: 0, counts: new Array<number>(RPC_BUCKETS.length + 1).fill(0), sum: 0 };
      this.methods.set(method, figures);
    }
    if (ok) figures.ok++;
    else figures.error++;
    let bucket = 0;
    while (bucket < RPC_BUCKETS.length && seconds > RPC_BUCKETS[bucket]) bucket++;
    figures.counts[bucket]++;
    figures.sum += seconds;
  }

  /** An outcome a method never had has no series, as with a labelled counter never incremented. */
  callSamples(): Array<[Labels, number]> {
    const samples: Array<[Labels, number]> = [];
    for (const [method, { ok, error }] of this.methods) {
      if (ok > 0) samples.push([{ method, outcome: 'ok' }, ok]);
      if (error > 0) samples.push([{ method, outcome: 'error' }, error]);
    }
    return samples;
  }

  latencySamples(): Array<[Labels, HistogramSample]> {
    return [...this.methods].map(([method, { counts, sum }]) => [{ method }, { counts: [...counts], sum }]);
  }
}
