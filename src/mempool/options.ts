/** The mempool's settings: plain data (JSON-friendly numbers), every default in this one place. */
export interface MempoolOptions {
  /** Estimated memory the pool may use before evicting (Core's -maxmempool, 300 MB). */
  maxBytes: number;
  /** Below this fee rate (sat per 1,000 vbytes) nothing is relayed (Core's -minrelaytxfee, 1 sat/vB). */
  minRelayFeeRate: number;
  /** Added to an evicted package's fee rate to make the rolling minimum (Core's -incrementalrelayfee). */
  incrementalRelayFeeRate: number;
  /** An output worth less than creating and spending it costs at this rate is dust (Core's -dustrelayfee, 3 sat/vB). */
  dustRelayFeeRate: number;
  /** Transactions this old are dropped (Core's -mempoolexpiry, two weeks). */
  expiryHours: number;
  /** In-pool ancestors a tx may have, itself included (Core's -limitancestorcount). */
  ancestorLimit: number;
  /** vbytes of a tx and its in-pool ancestors (Core's -limitancestorsize, 101 kvB). */
  ancestorSizeLimit: number;
  /** In-pool descendants any tx may have, itself included (Core's -limitdescendantcount). */
  descendantLimit: number;
  /** vbytes of a tx and its in-pool descendants (Core's -limitdescendantsize, 101 kvB). */
  descendantSizeLimit: number;
  /** Transactions with unknown inputs held for their parents (Core's -maxorphantx). */
  maxOrphans: number;
  /** Orphans older than this are dropped (Core's ORPHAN_TX_EXPIRE_TIME, 20 minutes). */
  orphanExpirySeconds: number;
  /** Weight above which a tx is not relayed (Core's MAX_STANDARD_TX_WEIGHT). */
  maxStandardWeight: number;
  /** Largest OP_RETURN output script relayed, opcode included (Core's -datacarriersize). */
  maxDatacarrierBytes: number;
  /** Replace any pool tx by a better one, signalled or not (Core 28's -mempoolfullrbf, on by default). */
  fullRbf: boolean;
}

export const DEFAULT_MEMPOOL_OPTIONS: Readonly<MempoolOptions> = Object.freeze({
  maxBytes: 300_000_000,
  minRelayFeeRate: 1_000,
  incrementalRelayFeeRate: 1_000,
  dustRelayFeeRate: 3_000,
  expiryHours: 336,
  ancestorLimit: 25,
  ancestorSizeLimit: 101_000,
  descendantLimit: 25,
  descendantSizeLimit: 101_000,
  maxOrphans: 100,
  orphanExpirySeconds: 20 * 60,
  maxStandardWeight: 400_000,
  maxDatacarrierBytes: 83,
  fullRbf: true,
});

/** Fills in defaults and refuses settings that would make the pool misbehave rather than merely be strict. */
export function resolveMempoolOptions(options: Partial<MempoolOptions> = {}): MempoolOptions {
  const resolved = { ...DEFAULT_MEMPOOL_OPTIONS, ...options };
  if (typeof resolved.fullRbf !== 'boolean') throw new RangeError(`mempool option fullRbf must be a boolean, got ${String(resolved.fullRbf)}`);
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value === 'boolean') continue;
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`mempool option ${name} must be a non-negative number, got ${value}`);
  }
  for (const name of ['minRelayFeeRate', 'incrementalRelayFeeRate', 'dustRelayFeeRate'] as const) {
    if (!Number.isSafeInteger(resolved[name])) throw new RangeError(`mempool option ${name} must be an integer (sat/kvB), got ${resolved[name]}`);
  }
  return resolved;
}
