/**
 * The header tree ahead of the blocks (Core's BLOCK_VALID_TREE): a run of headers from a peer is
 * checked in context, by consensus/header-chain.ts (linkage, proof of work, the bits
 * calculateNextWorkRequired asks for, median time past, the 2-hour future rule), and then stored
 * as header-only index entries in one batch. Their bodies are downloaded afterwards and enter
 * through processBlock as any block does.
 */
import { type SegmentAnchor, validateHeaderSegment } from '../consensus/header-chain.js';
import { RuleError } from '../consensus/errors.js';
import { blockProof } from '../consensus/pow.js';
import { MEDIAN_TIME_SPAN, type NetworkParams } from '../params/types.js';
import type { BlockHeader } from '../primitives/header.js';
import type { ChainStore } from '../store/chain-store.js';
import { BlockStatus, type BlockIndexEntry } from './block-index.js';
import type { BlockTree } from './block-tree.js';
import { indexRecord } from './connect.js';

/** What processHeaders did with a run: the entry of its last header (known or new) and how many were new. */
export interface HeadersOutcome {
  last: BlockIndexEntry;
  added: number;
}

/** Blocks of the tip's work below it that a competing header chain may lack and still be stored (Core: 144, a day). */
const ANTI_DOS_BLOCKS = 144n;

/** What the header rules need to know about the chain just before a header that builds on `parent`. */
export function anchorAt(parent: BlockIndexEntry, params: NetworkParams): SegmentAnchor {
  const priorTimes: number[] = [];
  for (let height = Math.max(0, parent.height - (MEDIAN_TIME_SPAN - 1)); height <= parent.height; height++) {
    priorTimes.push(parent.ancestorEntry(height)!.time);
  }
  const periodStart = Math.floor(parent.height / params.retargetInterval) * params.retargetInterval;
  return {
    startHeight: parent.height + 1,
    chainworkBefore: parent.chainwork,
    parent: { hash: parent.hash, bits: parent.bits, time: parent.time },
    periodStartTime: parent.ancestorEntry(periodStart)!.time,
    priorTimes,
  };
}

/**
 * Core's GetAntiDoSWorkThreshold: a header chain is stored only once it has at least this much
 * work — the minimum chain work, or our tip's work less a day of blocks, whichever is more — so
 * storing headers always costs the sender about as much work as our own chain.
 */
export function antiDosWorkThreshold(tip: BlockIndexEntry, minimumChainWork: bigint): bigint {
  const buffer = ANTI_DOS_BLOCKS * blockProof(tip.bits);
  const nearTip = tip.chainwork > buffer ? tip.chainwork - buffer : 0n;
  return nearTip > minimumChainWork ? nearTip : minimumChainWork;
}

/**
 * Checks `headers` (each building on the one before, the first on a header we know) and stores
 * the new ones as header-only entries. Headers we already know are skipped; one known invalid,
 * or building on one, throws. Any rule broken throws RuleError and stores nothing.
 */
export async function acceptHeaders(
  headers: readonly BlockHeader[],
  tree: BlockTree,
  store: ChainStore,
  params: NetworkParams,
  now: number,
): Promise<HeadersOutcome | undefined> {
  if (headers.length === 0) return undefined;
  let parent = tree.get(headers[0].prevHashHex());
  if (!parent) throw new RuleError('prev-blk-not-found', `header ${headers[0].hash()} builds on unknown block ${headers[0].prevHashHex()}`, { action: 'ignore' });
  let first = 0;
  for (; first < headers.length; first++) {
    const known = tree.get(headers[first].hash());
    if (!known) break;
    if (known.isFailed()) throw new RuleError('duplicate-invalid', `header ${known.hash} is known to be invalid`);
    if (known.parent !== parent) throw new RuleError('bad-prevblk', `header ${known.hash} does not build on ${parent.hash}`);
    parent = known;
  }
  if (first === headers.length) return { last: parent, added: 0 };
  if (parent.isFailed()) throw new RuleError('bad-prevblk', `header ${headers[first].hash()} builds on invalid block ${parent.hash}`);
  const fresh = headers.slice(first);
  validateHeaderSegment(fresh, anchorAt(parent, params), params, { now });
  const batch = store.batch();
  for (const header of fresh) {
    parent = tree.insert(header, parent, blockProof(header.bits), BlockStatus.HEADER_VALID);
    batch.putBlockIndex(indexRecord(parent, 0));
  }
  await batch.write();
  return { last: parent, added: fresh.length };
}
