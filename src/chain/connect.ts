import { type ConnectedInputs, type CoinView, connectBlockInputs } from '../consensus/block-inputs.js';
import { RuleError } from '../consensus/errors.js';
import { type SignatureCheck, prepareP2wpkhInput } from '../consensus/p2wpkh.js';
import { SighashCache } from '../consensus/sighash.js';
import type { NetworkParams } from '../params/types.js';
import type { Block } from '../primitives/block.js';
import { hashToHex } from '../primitives/bytes.js';
import type { Coin } from '../primitives/coin.js';
import { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import type { ChainStore } from '../store/chain-store.js';
import { StoreError } from '../store/errors.js';
import type { BlockIndexRecord } from '../store/layout.js';
import { BlockStatus, type BlockIndexEntry } from './block-index.js';
import type { ScriptCache } from '../verify/script-cache.js';
import type { SignatureCache } from '../verify/sig-cache.js';
import { type SignatureVerifier, verifyWithCache } from '../verify/sig-verifier.js';

/** What connecting and disconnecting need, injected by the chain. */
export interface ConnectModules {
  store: ChainStore;
  params: NetworkParams;
  verifier: SignatureVerifier;
  sigCache: SignatureCache;
  /** Wtxids whose scripts all passed (filled by the mempool): their inputs are not checked again. */
  scriptCache: ScriptCache;
}

export function indexRecord(entry: BlockIndexEntry, txCount: number, status = entry.status): BlockIndexRecord {
  return { hash: entry.hashBytes, header: entry.header, height: entry.height, chainwork: entry.chainwork, status, txCount };
}

/** The coins a block spends from the UTXO set (not those it creates itself), read in one batch. */
async function loadSpentCoins(store: ChainStore, block: Block): Promise<CoinView> {
  const inBlock = new Set(block.txs.map((tx) => tx.txid()));
  const wanted: OutPoint[] = [];
  for (const tx of block.txs) {
    if (tx.isCoinbase()) continue;
    for (const input of tx.inputs) if (!inBlock.has(input.prevout.txidHex())) wanted.push(input.prevout);
  }
  return new LoadedCoins(wanted, await store.getCoins(wanted));
}

/**
 * The coins read for a block. connectBlockInputs asks for them in the order they were listed
 * (its inputs in block order), so an answer is found by identity at the next position, with
 * no map of thousands of keys; a question out of that order (after a double spend, which the
 * block's overlay answers itself) falls back to a map, made at most once.
 */
export class LoadedCoins implements CoinView {
  private next = 0;
  private byKey: Map<string, Coin> | undefined;

  constructor(
    private readonly outpoints: readonly OutPoint[],
    private readonly coins: ReadonlyArray<Coin | undefined>,
  ) {}

  get(outpoint: OutPoint): Coin | undefined {
    if (this.outpoints[this.next] === outpoint) return this.coins[this.next++];
    this.byKey ??= this.index();
    return this.byKey.get(outpoint.key());
  }

  private index(): Map<string, Coin> {
    const byKey = new Map<string, Coin>();
    this.outpoints.forEach((outpoint, i) => {
      const coin = this.coins[i];
      if (coin) byKey.set(outpoint.key(), coin);
    });
    return byKey;
  }
}

/**
 * Every input's structural script rules, then the ECDSA checks, cached and spread over workers.
 * A tx the script cache knows (the mempool accepted it) is skipped whole, as Core does: its
 * sighashes and keys are not even derived again.
 */
async function verifyScripts(modules: ConnectModules, block: Block, connected: ConnectedInputs): Promise<void> {
  const checks: SignatureCheck[] = [];
  // Each check's tx and input, for the error.
  const checked: Array<[Transaction, number]> = [];
  block.txs.forEach((tx, txIndex) => {
    if (txIndex === 0 || modules.scriptCache.has(tx.wtxid())) return;
    const coins = connected.spentCoins[txIndex];
    const sighashes = new SighashCache(tx);
    coins.forEach((coin, inputIndex) => {
      checks.push(prepareP2wpkhInput(tx, inputIndex, coin, sighashes));
      checked.push([tx, inputIndex]);
    });
  });
  const failed = await verifyWithCache(modules.verifier, modules.sigCache, checks);
  if (failed >= 0) {
    const [tx, inputIndex] = checked[failed];
    throw new RuleError(
      'mandatory-script-verify-flag-failed',
      `Signature must be zero for failed CHECK(MULTI)SIG operation (input ${inputIndex} of ${tx.txid()})`,
    );
  }
}

/**
 * Full validation of `block` on top of the current tip (its parent): UTXO rules, fees, subsidy,
 * then scripts unless `skipScripts` (assumevalid). Throws RuleError; writes nothing.
 */
export async function validateConnection(modules: ConnectModules, entry: BlockIndexEntry, block: Block, skipScripts = false): Promise<ConnectedInputs> {
  const view = await loadSpentCoins(modules.store, block);
  const connected = connectBlockInputs(block, entry.height, view, modules.params);
  if (!skipScripts) await verifyScripts(modules, block, connected);
  return connected;
}

/**
 * The UTXO changes (the connect's own maps, held whole), undo data, height index, tip and status
 * of one connect: a single batch, into the store's write-back cache (the chain decides when it
 * is flushed).
 */
export async function writeConnection(store: ChainStore, entry: BlockIndexEntry, block: Block, connected: ConnectedInputs): Promise<void> {
  // The layer is held until the next flush: only its maps, not the per-tx coin lists the scripts were checked against.
  const { spent, spentKeys, created } = connected;
  const batch = store.cachedBatch().connectCoins({ spent, spentKeys, created });
  const status = entry.status | BlockStatus.VALIDATED | BlockStatus.HAVE_UNDO;
  batch
    .putUndo(entry.hashBytes, connected.spent.map((spent) => spent.coin))
    .putHeight(entry.height, entry.hashBytes)
    .setTip(entry.hashBytes)
    .putBlockIndex(indexRecord(entry, block.txs.length, status));
  await batch.write();
  entry.status = status;
}

/**
 * The outpoints the undo data belongs to, in the order connectBlockInputs spent them: every
 * input except those spending an output created earlier in the same block.
 */
export function spentOutpoints(block: Block): OutPoint[] {
  const createdEarlier = new Set<string>();
  const spent: OutPoint[] = [];
  for (const tx of block.txs) {
    if (!tx.isCoinbase()) {
      for (const input of tx.inputs) {
        const key = input.prevout.key();
        if (createdEarlier.has(key)) createdEarlier.delete(key);
        else spent.push(input.prevout);
      }
    }
    const txid = tx.txidBytes();
    tx.outputs.forEach((_, index) => createdEarlier.add(`${hashToHex(txid)}:${index}`));
  }
  return spent;
}

/** Undoes the tip block in one batch: its outputs go, the coins it spent come back. Returns the block. */
export async function disconnectTip(store: ChainStore, entry: BlockIndexEntry): Promise<Block> {
  const parent = entry.parent;
  if (!parent) throw new Error('cannot disconnect the genesis block');
  const [block, undo] = await Promise.all([store.getBlock(entry.hashBytes), store.getUndo(entry.hashBytes)]);
  if (!block || !undo) throw new StoreError('corrupt', `block ${entry.hash} at height ${entry.height} is connected but its ${block ? 'undo data' : 'body'} is missing; restart with --reindex`);
  const outpoints = spentOutpoints(block);
  if (outpoints.length !== undo.length) {
    throw new StoreError('corrupt', `undo data of block ${entry.hash} holds ${undo.length} coins, the block spends ${outpoints.length}`);
  }
  const batch = store.cachedBatch();
  for (const tx of block.txs) {
    const txid = tx.txidBytes();
    tx.outputs.forEach((_, index) => batch.spendCoin(new OutPoint(txid, index)));
  }
  outpoints.forEach((outpoint, i) => batch.addCoin(outpoint, undo[i]));
  await batch.deleteHeight(entry.height).setTip(parent.hashBytes).write();
  return block;
}
