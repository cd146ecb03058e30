/**
 * Following the chain and the mempool. The wallet does not trust event order: every chain event
 * just asks for `syncToTip`, which walks back while the block the wallet processed at a height
 * is no longer the chain's (a reorg, also one that happened while the wallet was closed), then
 * connects the chain's blocks up to its tip. Disconnecting needs no block body: txs remember
 * their block. Mempool events mark our unconfirmed txs in or out.
 */
import type { NetworkParams } from '../params/types.js';
import { toHex } from '../primitives/bytes.js';
import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';
import type { Ledger, WalletTx } from './coins.js';
import { WalletError } from './errors.js';
import type { WalletBlockEntry, WalletChain, WalletRemovalReason } from './interfaces.js';
import type { KeyRing } from './keys.js';
import type { RescanState } from './rescan-state.js';
import { type SyncRecord, type TxRecord, type WalletBatch, type WalletStore, blockKey } from './store.js';
import type { Logger } from '../util/logger.js';

export interface SyncContext {
  params: NetworkParams;
  chain: WalletChain;
  store: WalletStore;
  keys: KeyRing;
  ledger: Ledger;
  sync: SyncRecord;
  logger: Logger;
  now(): number;
  /** Bodies from chain events, so following the tip reads nothing back from the chain's store. */
  blockCache: Map<string, Block>;
  /** Next Core-style order position for a new wallet tx. */
  nextOrder: number;
  /** The running rescan, which abortrescan stops (absent: rescans cannot be aborted). */
  scan?: RescanState;
}

export async function syncToTip(ctx: SyncContext): Promise<void> {
  for (;;) {
    await walkBack(ctx);
    const next = ctx.chain.getEntryAtHeight(ctx.sync.height + 1);
    if (!next) break;
    const block = ctx.blockCache.get(next.hash) ?? (await ctx.chain.getBlock(next.hash));
    if (!block && (await skipToSnapshotBase(ctx, next.height))) continue;
    if (!block) throw new Error(`main-chain block ${next.hash} has no body`);
    // The chain may have moved while we read: connect only a child of what we hold.
    if (block.header.prevHashHex() !== ctx.sync.hash) continue;
    await connectBlock(ctx, next, block);
  }
  ctx.blockCache.clear();
}

/**
 * Blocks up to a loaded UTXO snapshot's base have no bodies to scan: the wallet moves its sync
 * point to the base, loudly. Its transactions in those blocks stay unseen (Core refuses to load
 * such a wallet at all); docs/chain.md says to load a snapshot into a node with a new wallet.
 */
async function skipToSnapshotBase(ctx: SyncContext, height: number): Promise<boolean> {
  const base = ctx.chain.snapshotBase;
  if (!base || height > base.height) return false;
  ctx.logger.warn({ from: ctx.sync.height, to: base.height, base: base.hash }, 'wallet: the blocks below the UTXO snapshot base have no bodies; skipped to the base without scanning them');
  ctx.sync = { ...ctx.sync, height: base.height, hash: base.hash };
  await ctx.store.batch().putSync(ctx.sync).put(blockKey(base.height), base.hash).write();
  return true;
}

async function walkBack(ctx: SyncContext): Promise<void> {
  while (ctx.sync.height > 0 && ctx.chain.getEntryAtHeight(ctx.sync.height)?.hash !== ctx.sync.hash) {
    await disconnectTip(ctx);
  }
  if (ctx.sync.height === 0 && ctx.chain.getEntryAtHeight(0)?.hash !== ctx.sync.hash) {
    throw new WalletError('wallet-error', 'the wallet was made on a chain with another genesis block');
  }
}

async function connectBlock(ctx: SyncContext, entry: WalletBlockEntry, block: Block): Promise<void> {
  const batch = ctx.store.batch();
  const found = applyBlock(ctx, entry, block, batch);
  ctx.sync = { ...ctx.sync, height: entry.height, hash: entry.hash };
  await batch.putSync(ctx.sync).put(blockKey(entry.height), entry.hash).write();
  if (found > 0) ctx.logger.debug({ height: entry.height, hash: entry.hash, txs: found }, 'wallet transactions confirmed');
}

/** The block at the wallet's tip leaves: its txs become unconfirmed, txs it conflicted come back. */
async function disconnectTip(ctx: SyncContext): Promise<void> {
  const { hash, height } = ctx.sync;
  const batch = ctx.store.batch();
  for (const wtx of ctx.ledger.txs.values()) {
    const { record } = wtx;
    if (record.state === 'confirmed' && record.blockHash === hash) setRecord(ctx, wtx, batch, unconfirmed(record));
    else if (record.state === 'conflicted' && record.conflictedBy === hash) setRecord(ctx, wtx, batch, unconfirmed(record));
  }
  const below = height - 1;
  // Below the wallet's birth (and in gaps a partial rescan left) no block we processed can hold
  // our txs: the chain's own hash is the truth there.
  const belowHash = (await ctx.store.blockHash(below)) ?? ctx.chain.getEntryAtHeight(below)?.hash;
  if (belowHash === undefined) throw new Error(`wallet has no block hash at height ${below}`);
  ctx.sync = { height: below, hash: belowHash, birthHeight: Math.min(ctx.sync.birthHeight, below) };
  await batch.putSync(ctx.sync).del(blockKey(height)).write();
  ctx.logger.info({ height, hash }, 'wallet block disconnected');
}

/**
 * Records the block's txs that touch us as confirmed, and marks wallet txs spending the same
 * inputs as block txs conflicted (with their wallet descendants). Returns the txs recorded.
 */
export function applyBlock(ctx: SyncContext, entry: WalletBlockEntry, block: Block, batch: WalletBatch): number {
  let found = 0;
  block.txs.forEach((tx, blockIndex) => {
    const txid = tx.txid();
    markConflicts(ctx, tx, txid, entry, batch);
    const known = ctx.ledger.get(txid);
    if (!known && !ctx.ledger.isRelevant(tx)) return;
    const confirmed = { state: 'confirmed' as const, blockHash: entry.hash, height: entry.height, blockTime: entry.time, blockIndex };
    if (known) {
      const { conflictedBy: _by, conflictHeight: _at, ...rest } = known.record;
      setRecord(ctx, known, batch, { ...rest, ...confirmed });
    } else {
      addTx(ctx, tx, { ...confirmed, ...firstSeen(ctx, entry.time) }, batch);
    }
    found++;
  });
  return found;
}

function markConflicts(ctx: SyncContext, tx: Transaction, txid: string, entry: WalletBlockEntry, batch: WalletBatch): void {
  for (const rival of ctx.ledger.rivalsOf(tx, txid)) {
    if (rival.record.state === 'confirmed') continue;
    for (const wtx of [rival, ...ctx.ledger.descendantsOf(rival.txid)]) {
      if (wtx.record.state === 'confirmed') continue;
      setRecord(ctx, wtx, batch, { ...wtx.record, state: 'conflicted', conflictedBy: entry.hash, conflictHeight: entry.height });
      ctx.logger.info({ txid: wtx.txid, block: entry.hash }, 'wallet transaction conflicted');
    }
  }
}

/**
 * Core's rescanblockchain over main-chain heights [start, stop]: records txs touching our
 * scripts (after importprivkey, or for a restored wallet). Heights scanned below the wallet's
 * birth get their hashes stored, so a later reorg there still finds its txs.
 */
export async function rescan(ctx: SyncContext, start: number, stop: number): Promise<number> {
  let found: number;
  const birth = ctx.sync.birthHeight;
  ctx.scan?.begin(start, stop);
  try {
    found = await scanHeights(ctx, start, stop, birth);
  } finally {
    ctx.scan?.end();
  }
  ctx.logger.info({ start, stop, found }, 'wallet rescan finished');
  return found;
}

async function scanHeights(ctx: SyncContext, start: number, stop: number, birth: number): Promise<number> {
  let found = 0;
  for (let height = start; height <= stop; height++) {
    ctx.scan?.reach(height);
    const entry = ctx.chain.getEntryAtHeight(height);
    const block = entry && (await ctx.chain.getBlock(entry.hash));
    if (!entry || !block) throw new Error(`main-chain block at height ${height} is missing`);
    const batch = ctx.store.batch();
    found += applyBlock(ctx, entry, block, batch);
    if (height < birth) {
      ctx.sync = { ...ctx.sync, birthHeight: Math.min(ctx.sync.birthHeight, height) };
      batch.put(blockKey(height), entry.hash).putSync(ctx.sync);
    }
    await batch.write();
  }
  return found;
}

/** A tx entered the mempool: ours if it touches our scripts; an abandoned or conflicted one is live again. */
export async function mempoolAccepted(ctx: SyncContext, tx: Transaction, txid: string): Promise<void> {
  const batch = ctx.store.batch();
  const known = ctx.ledger.get(txid);
  if (known && known.record.state !== 'confirmed' && known.record.state !== 'unconfirmed') setRecord(ctx, known, batch, unconfirmed(known.record));
  else if (!known && ctx.ledger.isRelevant(tx)) addTx(ctx, tx, { state: 'unconfirmed', ...firstSeen(ctx) }, batch);
  await batch.write();
}

/**
 * A tx left the mempool other than by being mined: an unconfirmed one is forgotten (abandoned).
 * A replaced one stays unconfirmed and inactive, as Core's wallet keeps it: its inputs stay
 * spent (the replacement spends them too), `walletconflicts` names the replacement, and a block
 * confirming the replacement marks it conflicted.
 */
export async function mempoolRemoved(ctx: SyncContext, txid: string, reason: WalletRemovalReason): Promise<void> {
  const known = ctx.ledger.get(txid);
  // Only an expired tx is given up (its coins spendable again). Evicted, conflicted or dropped in a
  // reorg, it keeps its inputs, as Core's wallet does: peers may still hold it, and with full RBF a
  // new send spending the same coins would replace a payment the user was already told about.
  if (reason !== 'expiry' || !known || known.record.state !== 'unconfirmed') return;
  const batch = ctx.store.batch();
  setRecord(ctx, known, batch, { ...known.record, state: 'abandoned' });
  await batch.write();
  ctx.logger.info({ txid, reason }, 'wallet transaction left the mempool');
}

/** Adds a new wallet tx and notes the keys it pays, so the lookahead moves past them. */
export function addTx(ctx: SyncContext, tx: Transaction, fields: Omit<TxRecord, 'hex'>, batch: WalletBatch): WalletTx {
  const record: TxRecord = { hex: toHex(tx.encode()), ...fields };
  const wtx = ctx.ledger.add(tx, record);
  batch.putTx(wtx.txid, record);
  let moved = false;
  for (const output of tx.outputs) {
    const key = ctx.keys.byScript(output.script);
    if (key && ctx.keys.markUsed(key)) moved = true;
  }
  if (moved) batch.put('hd', ctx.keys.hd);
  return wtx;
}

export function firstSeen(ctx: SyncContext, blockTime?: number): Pick<TxRecord, 'timeReceived' | 'time' | 'order'> {
  const now = Math.floor(ctx.now());
  return { timeReceived: now, time: blockTime ?? now, order: ctx.nextOrder++ };
}

function unconfirmed(record: TxRecord): TxRecord {
  const { blockHash: _h, height: _n, blockTime: _t, blockIndex: _i, conflictedBy: _c, conflictHeight: _a, ...rest } = record;
  return { ...rest, state: 'unconfirmed' };
}

function setRecord(ctx: SyncContext, wtx: WalletTx, batch: WalletBatch, record: TxRecord): void {
  ctx.ledger.setRecord(wtx, record);
  batch.putTx(wtx.txid, record);
}
