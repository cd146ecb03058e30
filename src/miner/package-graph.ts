/**
 * The source's transactions as a graph of in-pool parents and children, with each node's full
 * ancestor set and its package totals (itself plus ancestors), as the mempool caches them in Core.
 */
import { legacySigOpCount } from '../consensus/sigops.js';
import { WITNESS_SCALE_FACTOR } from '../primitives/transaction.js';
import type { TemplateEntry } from './interfaces.js';

export interface PackageNode {
  readonly entry: TemplateEntry;
  readonly sigops: number;
  readonly parents: PackageNode[];
  readonly children: PackageNode[];
  /** Every in-pool ancestor, transitively (not the node itself), in no particular order. */
  ancestors: PackageNode[];
  /** Totals over the node and its ancestors not yet in the block; shrink as ancestors are included. */
  packageFee: bigint;
  packageWeight: number;
  packageSigops: number;
  /** Bumped whenever the package totals change, so stale queue items can be recognised. */
  version: number;
  included: boolean;
  failed: boolean;
}

/**
 * Sigop cost when the source does not say: legacy sigops x4 plus one witness sigop per input,
 * since every spendable output on powcoin is P2WPKH (Core's CountWitnessSigOps gives 1 for it).
 */
export function entrySigops(entry: TemplateEntry): number {
  return entry.sigops ?? legacySigOpCount(entry.tx) * WITNESS_SCALE_FACTOR + entry.tx.inputs.length;
}

/**
 * Builds the graph in topological order (parents before children). An entry naming a parent the
 * source does not hold cannot be mined (its input would be missing), so it and its descendants
 * are left out; so is any cycle, which a consistent mempool never has.
 */
export function buildPackageGraph(entries: Iterable<TemplateEntry>): PackageNode[] {
  const byTxid = new Map<string, PackageNode>();
  for (const entry of entries) {
    if (byTxid.has(entry.txid)) continue;
    byTxid.set(entry.txid, newNode(entry));
  }
  const waiting = new Map<PackageNode, number>();
  const ready: PackageNode[] = [];
  for (const node of byTxid.values()) {
    let missing = false;
    for (const txid of node.entry.parents) {
      const parent = byTxid.get(txid);
      if (!parent) missing = true;
      else if (!node.parents.includes(parent)) node.parents.push(parent);
    }
    if (missing) node.failed = true;
    for (const parent of node.parents) parent.children.push(node);
    if (node.parents.length === 0) ready.push(node);
    else waiting.set(node, node.parents.length);
  }
  return topologicalOrder(ready, waiting);
}

function newNode(entry: TemplateEntry): PackageNode {
  const sigops = entrySigops(entry);
  return {
    entry,
    sigops,
    parents: [],
    children: [],
    ancestors: [],
    packageFee: entry.modifiedFee ?? entry.fee,
    packageWeight: entry.weight,
    packageSigops: sigops,
    version: 0,
    included: false,
    failed: false,
  };
}

/** Kahn's algorithm; fills each node's ancestors and package totals once its parents are done. */
function topologicalOrder(ready: PackageNode[], waiting: Map<PackageNode, number>): PackageNode[] {
  const order: PackageNode[] = [];
  while (ready.length > 0) {
    const node = ready.pop()!;
    if (node.parents.some((parent) => parent.failed)) node.failed = true;
    if (!node.failed) fillAncestors(node);
    order.push(node);
    for (const child of node.children) {
      const left = waiting.get(child)! - 1;
      if (left === 0) {
        waiting.delete(child);
        ready.push(child);
      } else {
        waiting.set(child, left);
      }
    }
  }
  return order;
}

function fillAncestors(node: PackageNode): void {
  if (node.parents.length === 0) return;
  const ancestors = new Set<PackageNode>();
  for (const parent of node.parents) {
    ancestors.add(parent);
    for (const ancestor of parent.ancestors) ancestors.add(ancestor);
  }
  node.ancestors = [...ancestors];
  for (const ancestor of node.ancestors) {
    node.packageFee += ancestor.entry.modifiedFee ?? ancestor.entry.fee;
    node.packageWeight += ancestor.entry.weight;
    node.packageSigops += ancestor.sigops;
  }
}

/** Every descendant of `node` (transitively), each once. */
export function descendantsOf(node: PackageNode): PackageNode[] {
  const seen = new Set<PackageNode>();
  const stack = [...node.children];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...next.children);
  }
  return [...seen];
}
