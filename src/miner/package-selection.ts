/**
 * Transaction selection by ancestor fee rate, as Bitcoin Core's BlockAssembler::addPackageTxs:
 * repeatedly take the transaction whose package (itself plus its ancestors not yet in the block)
 * pays the most per weight unit, and add the whole package, parents first. A child paying for a
 * low-fee parent (CPFP) thereby pulls the parent in at the package's rate.
 */
import { isFinalTx } from '../consensus/block-context.js';
import { Heap } from './heap.js';
import type { TemplateEntry } from './interfaces.js';
import { type PackageNode, buildPackageGraph, descendantsOf } from './package-graph.js';

/** Core stops looking after this many packages in a row fail to fit, once the block is nearly full. */
const MAX_CONSECUTIVE_FAILURES = 1000;
/** "Nearly full": within this many weight units of the limit (Core's figure). */
const NEARLY_FULL_WEIGHT = 4000;

export interface SelectionLimits {
  /** Upper bound on the whole block's weight. */
  maxWeight: number;
  /** Upper bound on the whole block's sigop cost. */
  maxSigops: number;
  /** Weight and sigops already spoken for by the header and coinbase (Core: 4000 and 400). */
  reservedWeight: number;
  reservedSigops: number;
  /** Finality is judged at the new block's height against the parent's median time past (BIP113). */
  height: number;
  lockTimeCutoff: number;
}

export interface SelectedTx {
  readonly entry: TemplateEntry;
  readonly sigops: number;
  /** 1-based positions in the block's tx list of the in-block parents (getblocktemplate's `depends`). */
  readonly depends: number[];
}

export interface Selection {
  txs: SelectedTx[];
  fees: bigint;
  /** Sum over the selected txs only. */
  weight: number;
  sigops: number;
}

interface QueueItem {
  node: PackageNode;
  version: number;
  fee: number;
  weight: number;
}

/** Higher package fee rate first (cross-multiplied, as Core's comparator); txid breaks ties, for a deterministic block. */
function higherRate(a: QueueItem, b: QueueItem): boolean {
  const left = a.fee * b.weight;
  const right = b.fee * a.weight;
  if (left !== right) return left > right;
  return a.node.entry.txid < b.node.entry.txid;
}

function queueItem(node: PackageNode): QueueItem {
  return { node, version: node.version, fee: Number(node.packageFee), weight: node.packageWeight };
}

export function selectPackages(entries: Iterable<TemplateEntry>, limits: SelectionLimits): Selection {
  return new PackageSelector(limits).run(buildPackageGraph(entries));
}

class PackageSelector {
  private readonly queue = new Heap<QueueItem>(higherRate);
  private readonly position = new Map<PackageNode, number>();
  private readonly selection: Selection = { txs: [], fees: 0n, weight: 0, sigops: 0 };
  private blockWeight: number;
  private blockSigops: number;

  constructor(private readonly limits: SelectionLimits) {
    this.blockWeight = limits.reservedWeight;
    this.blockSigops = limits.reservedSigops;
  }

  run(nodes: PackageNode[]): Selection {
    for (const node of nodes) if (!node.failed) this.queue.push(queueItem(node));
    let consecutiveFailures = 0;
    for (let item = this.queue.pop(); item; item = this.queue.pop()) {
      const node = item.node;
      if (item.version !== node.version || node.included || node.failed) continue;
      if (this.tryPackage(node)) {
        consecutiveFailures = 0;
        continue;
      }
      // As Core: only the tx whose package failed is dropped; its descendants are tried with theirs.
      node.failed = true;
      if (++consecutiveFailures > MAX_CONSECUTIVE_FAILURES && this.blockWeight > this.limits.maxWeight - NEARLY_FULL_WEIGHT) break;
    }
    return this.selection;
  }

  private tryPackage(node: PackageNode): boolean {
    // Core's TestPackage uses >=: the limits themselves are never reached.
    if (this.blockWeight + node.packageWeight >= this.limits.maxWeight) return false;
    if (this.blockSigops + node.packageSigops >= this.limits.maxSigops) return false;
    const pkg = node.ancestors.filter((ancestor) => !ancestor.included);
    pkg.push(node);
    if (!pkg.every((member) => isFinalTx(member.entry.tx, this.limits.height, this.limits.lockTimeCutoff))) return false;
    // An ancestor always has fewer ancestors than its descendant, so this order puts parents first.
    pkg.sort((a, b) => a.ancestors.length - b.ancestors.length);
    for (const member of pkg) this.include(member);
    this.updateDescendants(pkg);
    return true;
  }

  private include(node: PackageNode): void {
    node.included = true;
    const depends = node.parents.map((parent) => this.position.get(parent)!);
    this.selection.txs.push({ entry: node.entry, sigops: node.sigops, depends });
    this.position.set(node, this.selection.txs.length);
    this.selection.fees += node.entry.fee;
    this.selection.weight += node.entry.weight;
    this.selection.sigops += node.sigops;
    this.blockWeight += node.entry.weight;
    this.blockSigops += node.sigops;
  }

  /** Core's UpdatePackagesForAdded: descendants' packages lose what just went into the block, and are re-queued. */
  private updateDescendants(added: PackageNode[]): void {
    const changed = new Set<PackageNode>();
    for (const member of added) {
      for (const descendant of descendantsOf(member)) {
        if (descendant.included) continue;
        descendant.packageFee -= member.entry.modifiedFee ?? member.entry.fee;
        descendant.packageWeight -= member.entry.weight;
        descendant.packageSigops -= member.sigops;
        changed.add(descendant);
      }
    }
    for (const node of changed) {
      node.version++;
      if (!node.failed) this.queue.push(queueItem(node));
    }
  }
}
