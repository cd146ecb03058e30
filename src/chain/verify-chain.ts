import { checkBlock } from '../consensus/block-checks.js';
import { checkBlockContext } from '../consensus/block-context.js';
import { isRuleError } from '../consensus/errors.js';
import { medianTimePast } from '../consensus/median-time.js';
import { isUnspendable } from '../consensus/script.js';
import type { NetworkParams } from '../params/types.js';
import { bytesEqual } from '../primitives/bytes.js';
import type { Coin } from '../primitives/coin.js';
import { OutPoint } from '../primitives/outpoint.js';
import type { ChainStore } from '../store/chain-store.js';
import { isStoreError } from '../store/errors.js';
import type { BlockTree } from './block-tree.js';
import { spentOutpoints } from './connect.js';

/**
 * How thoroughly verifyChain checks, as Bitcoin Core's `verifychain` checklevel:
 * 0 the body is readable and matches its index entry; 1 the block's consensus checks pass;
 * 2 its undo data is there and fits the block; 3 undoing the blocks in memory from the tip down
 * finds every coin each block created in the UTXO set exactly as the block made it.
 */
export type VerifyLevel = 0 | 1 | 2 | 3;

export interface VerifyChainResult {
  ok: boolean;
  checked: number;
  /** Where and why the first check failed. */
  failure?: { height: number; hash: string; reason: string };
}

/** Coins as the UTXO set was before the blocks undone so far: the store with an in-memory overlay. */
class UndoOverlay {
  private readonly changed = new Map<string, Coin | null>();

  constructor(private readonly store: ChainStore) {}

  async get(outpoint: OutPoint): Promise<Coin | undefined> {
    const key = outpoint.key();
    if (this.changed.has(key)) return this.changed.get(key) ?? undefined;
    return this.store.getCoin(outpoint);
  }

  remove(outpoint: OutPoint): void {
    this.changed.set(outpoint.key(), null);
  }

  restore(outpoint: OutPoint, coin: Coin): void {
    this.changed.set(outpoint.key(), coin);
  }
}

/** A record that cannot be decoded is a failed check, with the store's reason, not a thrown error. */
async function readOrReason<T>(read: () => Promise<T>): Promise<T | string> {
  try {
    return await read();
  } catch (err) {
    if (isStoreError(err, 'corrupt')) return err.message;
    throw err;
  }
}

function sameCoin(a: Coin, b: Coin): boolean {
  return a.value === b.value && a.height === b.height && a.coinbase === b.coinbase && bytesEqual(a.script, b.script);
}

/**
 * Re-checks the top `depth` main-chain blocks (all when depth is 0) at the given level, never at
 * or below `floor` (a loaded UTXO snapshot's base: no bodies there). Reads only.
 */
export async function verifyChain(tree: BlockTree, store: ChainStore, params: NetworkParams, depth: number, level: VerifyLevel, floor = 0): Promise<VerifyChainResult> {
  const lowest = depth <= 0 ? floor + 1 : Math.max(floor + 1, tree.height - depth + 1);
  const overlay = new UndoOverlay(store);
  let checked = 0;
  for (let height = tree.height; height >= lowest; height--) {
    const entry = tree.atHeight(height)!;
    const fail = (reason: string): VerifyChainResult => ({ ok: false, checked, failure: { height, hash: entry.hash, reason } });
    const block = await readOrReason(() => store.getBlock(entry.hashBytes));
    if (typeof block === 'string') return fail(`block body unreadable (${block})`);
    if (!block) return fail('block body missing');
    if (block.hash() !== entry.hash) return fail('block body does not match its index entry');
    if (level >= 1) {
      try {
        checkBlock(block, params);
        checkBlockContext(block, { height, medianTimePast: medianTimePast(entry.parent!) }, params);
      } catch (err) {
        if (!isRuleError(err)) throw err;
        return fail(`consensus check failed: ${err.message}`);
      }
    }
    if (level >= 2) {
      const undo = await readOrReason(() => store.getUndo(entry.hashBytes));
      if (typeof undo === 'string') return fail(`undo data unreadable (${undo})`);
      if (!undo) return fail('undo data missing');
      const spent = spentOutpoints(block);
      if (undo.length !== spent.length) return fail(`undo data holds ${undo.length} coins, the block spends ${spent.length}`);
      if (level >= 3) {
        const problem = await undoInMemory(overlay, block.txs, height, spent, undo);
        if (problem) return fail(problem);
      }
    }
    checked++;
  }
  return { ok: true, checked };
}

async function undoInMemory(
  overlay: UndoOverlay,
  txs: Parameters<typeof spentOutpoints>[0]['txs'],
  height: number,
  spent: OutPoint[],
  undo: Coin[],
): Promise<string | undefined> {
  const spentInBlock = new Set<string>();
  for (const tx of txs) for (const input of tx.inputs) spentInBlock.add(input.prevout.key());
  for (const tx of txs) {
    const txid = tx.txidBytes();
    for (let index = 0; index < tx.outputs.length; index++) {
      const output = tx.outputs[index];
      const outpoint = new OutPoint(txid, index);
      if (isUnspendable(output.script) || spentInBlock.has(outpoint.key())) continue;
      const coin = await overlay.get(outpoint);
      const expected: Coin = { value: output.value, script: output.script, height, coinbase: tx.isCoinbase() };
      if (!coin || !sameCoin(coin, expected)) return `coin ${outpoint.key()} created by the block is ${coin ? 'different' : 'missing'} in the UTXO set`;
      overlay.remove(outpoint);
    }
  }
  spent.forEach((outpoint, i) => overlay.restore(outpoint, undo[i]));
  return undefined;
}
