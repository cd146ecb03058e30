/**
 * The ledger: the wallet's transactions and, derived from them, its coins and balances, with
 * Bitcoin Core's rules (CachedTxIsTrusted, GetBalance, AvailableCoins):
 * - a tx is active when confirmed or unconfirmed; conflicted and abandoned txs neither spend
 *   their inputs nor create outputs;
 * - an output is spent when an active wallet tx spends it (so a sent tx blocks its inputs at
 *   once, and again if a reorg drops it, until it is conflicted or abandoned);
 * - an unconfirmed tx is trusted only when it is in the mempool, all its inputs are ours, and
 *   their txs are trusted: our own change, never someone else's payment;
 * - a coinbase is immature until 101 confirmations (Core's wallet waits one block more than
 *   consensus, so a one-block reorg cannot make a spend invalid).
 */
import type { NetworkParams } from '../params/types.js';
import { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import type { KeyRing, WalletKey } from './keys.js';
import type { TxRecord } from './store.js';

export interface WalletTx {
  readonly tx: Transaction;
  readonly txid: string;
  record: TxRecord;
}

/** An output we own, with what selection and listunspent need to know of it. */
export interface WalletCoin {
  readonly outpoint: OutPoint;
  readonly txid: string;
  readonly vout: number;
  readonly value: bigint;
  readonly key: WalletKey;
  readonly depth: number;
  readonly coinbase: boolean;
  readonly trusted: boolean;
  readonly wtx: WalletTx;
}

/** An unspent output in the ledger's index; `confirmed` keeps the coin built for a confirmed tx at one tip. */
interface IndexedCoin {
  wtx: WalletTx;
  vout: number;
  key: WalletKey;
  outpoint: OutPoint;
  confirmed?: { tip: number; coin: WalletCoin };
}

export interface Balances {
  trusted: bigint;
  untrusted_pending: bigint;
  immature: bigint;
  /** With avoid_reuse: trusted and pending coins on reused addresses, left out of the two above (Core's getbalances `used`). */
  used?: bigint;
}

export class Ledger {
  /** Insertion order is the order the wallet first saw them: listtransactions' order. */
  readonly txs = new Map<string, WalletTx>();
  /** Wallet txids spending each outpoint (any state), Core's mapTxSpends. */
  private readonly spenders = new Map<string, Set<string>>();
  /**
   * Outputs paying us, of active txs, that no active wallet tx spends: kept up to date on every
   * add and state change, so listing coins for a send costs the coins, not the whole history.
   */
  private readonly unspentIndex = new Map<string, IndexedCoin>();
  /** Outpoint keys (`txid:vout`) lockunspent keeps out of selection and listunspent, as Core. */
  readonly locked = new Set<string>();
  /**
   * Scripts some wallet tx spends from (Core's "used" destinations). Worked out from the history
   * whatever the avoid_reuse flag, so turning it on needs no rescan to see past reuse.
   */
  readonly usedScripts = new Set<string>();
  /** Core's avoid_reuse wallet flag: coins on used scripts are kept out of balances and selection. */
  avoidReuse = false;

  constructor(
    private readonly keys: KeyRing,
    private readonly params: NetworkParams,
    private readonly inMempool: (txid: string) => boolean,
  ) {}

  add(tx: Transaction, record: TxRecord): WalletTx {
    const wtx: WalletTx = { tx, txid: tx.txid(), record };
    this.txs.set(wtx.txid, wtx);
    if (!tx.isCoinbase()) {
      for (const input of tx.inputs) {
        const key = input.prevout.key();
        const set = this.spenders.get(key) ?? new Set();
        set.add(wtx.txid);
        this.spenders.set(key, set);
        this.markUsed(this.ownerOf(input.prevout.txidHex(), input.prevout.index));
      }
    }
    // A child seen before its parent (a rescan's order, importprunedfunds) marks the parent's outputs.
    tx.outputs.forEach((output, vout) => {
      if (this.spenders.has(`${wtx.txid}:${vout}`)) this.markUsed(this.keys.byScript(output.script));
    });
    if (this.isActive(wtx)) this.activated(wtx);
    return wtx;
  }

  /** Changes a wallet tx's state; every state change goes through here, so the coin index follows it. */
  setRecord(wtx: WalletTx, record: TxRecord): void {
    const wasActive = this.isActive(wtx);
    wtx.record = record;
    const active = this.isActive(wtx);
    // Active again or still: re-checking its outputs is idempotent and catches keys learnt since (a rescan after an import).
    if (active) this.activated(wtx);
    if (!active && wasActive) this.deactivated(wtx);
  }

  /** Its outputs become coins unless spent; its inputs stop being coins. */
  private activated(wtx: WalletTx): void {
    wtx.tx.outputs.forEach((output, vout) => {
      const key = this.keys.byScript(output.script);
      if (!key) return;
      const outpoint = new OutPoint(wtx.tx.txidBytes(), vout);
      if (!this.isSpent(outpoint)) this.unspentIndex.set(outpoint.key(), { wtx, vout, key, outpoint });
    });
    if (!wtx.tx.isCoinbase()) for (const input of wtx.tx.inputs) this.unspentIndex.delete(input.prevout.key());
  }

  /** Its outputs are no coins any more; the inputs it spent are coins again unless another active tx spends them. */
  private deactivated(wtx: WalletTx, outputsOnly = false): void {
    wtx.tx.outputs.forEach((_, vout) => this.unspentIndex.delete(`${wtx.txid}:${vout}`));
    if (!outputsOnly) this.restoreInputs(wtx);
  }

  private restoreInputs(wtx: WalletTx): void {
    if (wtx.tx.isCoinbase()) return;
    for (const { prevout } of wtx.tx.inputs) {
      const parent = this.txs.get(prevout.txidHex());
      const output = parent?.tx.outputs[prevout.index];
      const key = output && this.keys.byScript(output.script);
      if (!parent || !key || !this.isActive(parent) || this.isSpent(prevout)) continue;
      this.unspentIndex.set(prevout.key(), { wtx: parent, vout: prevout.index, key, outpoint: prevout });
    }
  }

  /** Forgets a wallet tx altogether (removeprunedfunds): its coins go, what it spent is spendable again. */
  remove(wtx: WalletTx): void {
    if (this.isActive(wtx)) this.deactivated(wtx, true);
    this.txs.delete(wtx.txid);
    if (wtx.tx.isCoinbase()) return;
    for (const { prevout } of wtx.tx.inputs) {
      const set = this.spenders.get(prevout.key());
      set?.delete(wtx.txid);
      if (set?.size === 0) this.spenders.delete(prevout.key());
    }
    if (this.isActive(wtx)) this.restoreInputs(wtx);
  }

  /** Whether the coin's script was spent from before (listunspent's `reused`). */
  isReused(coin: WalletCoin): boolean {
    return this.usedScripts.has(coin.key.scriptHex);
  }

  private markUsed(key: WalletKey | undefined): void {
    if (key) this.usedScripts.add(key.scriptHex);
  }

  get(txid: string): WalletTx | undefined {
    return this.txs.get(txid);
  }

  isActive(wtx: WalletTx): boolean {
    return wtx.record.state === 'confirmed' || wtx.record.state === 'unconfirmed';
  }

  /** Core's GetTxDepthInMainChain: confirmations, 0 unconfirmed, negative when conflicted by a block. */
  depth(wtx: WalletTx, tipHeight: number): number {
    const { state, height, conflictHeight } = wtx.record;
    if (state === 'confirmed') return tipHeight - height! + 1;
    if (state === 'conflicted' && conflictHeight !== undefined) return -(tipHeight - conflictHeight + 1);
    return 0;
  }

  /** Our key for output `vout` of wallet tx `txid`, if that output pays us. */
  ownerOf(txid: string, vout: number): WalletKey | undefined {
    const output = this.txs.get(txid)?.tx.outputs[vout];
    return output ? this.keys.byScript(output.script) : undefined;
  }

  valueOf(outpoint: OutPoint): bigint | undefined {
    return this.txs.get(outpoint.txidHex())?.tx.outputs[outpoint.index]?.value;
  }

  isSpent(outpoint: OutPoint): boolean {
    for (const txid of this.spenders.get(outpoint.key()) ?? []) {
      if (this.isActive(this.txs.get(txid)!)) return true;
    }
    return false;
  }

  /** Other wallet txs spending any input of `tx`. */
  rivalsOf(tx: Transaction, txid = tx.txid()): WalletTx[] {
    if (tx.isCoinbase()) return [];
    const out = new Set<WalletTx>();
    for (const input of tx.inputs) {
      for (const other of this.spenders.get(input.prevout.key()) ?? []) if (other !== txid) out.add(this.txs.get(other)!);
    }
    return [...out];
  }

  /** Wallet txs spending outputs of `txid`, recursively. */
  descendantsOf(txid: string): WalletTx[] {
    const found = new Map<string, WalletTx>();
    const waiting = [txid];
    while (waiting.length > 0) {
      const parent = this.txs.get(waiting.pop()!)!;
      parent.tx.outputs.forEach((_, vout) => {
        for (const child of this.spenders.get(`${parent.txid}:${vout}`) ?? []) {
          if (found.has(child)) continue;
          found.set(child, this.txs.get(child)!);
          waiting.push(child);
        }
      });
    }
    return [...found.values()];
  }

  /** Pays one of our scripts, or spends one of our outputs. */
  isRelevant(tx: Transaction): boolean {
    if (tx.outputs.some((output) => this.keys.byScript(output.script))) return true;
    return !tx.isCoinbase() && tx.inputs.some((input) => this.ownerOf(input.prevout.txidHex(), input.prevout.index) !== undefined);
  }

  /** Value of the inputs that spend our outputs (Core's GetDebit). */
  debit(tx: Transaction): bigint {
    if (tx.isCoinbase()) return 0n;
    let sum = 0n;
    for (const { prevout } of tx.inputs) {
      if (this.ownerOf(prevout.txidHex(), prevout.index)) sum += this.valueOf(prevout)!;
    }
    return sum;
  }

  /** Value of the outputs paying us (Core's GetCredit). */
  credit(tx: Transaction): bigint {
    return tx.outputs.reduce((sum, output) => (this.keys.byScript(output.script) ? sum + output.value : sum), 0n);
  }

  /** Every input spends one of our outputs: we wrote this tx. */
  allInputsMine(tx: Transaction): boolean {
    return !tx.isCoinbase() && tx.inputs.every(({ prevout }) => this.ownerOf(prevout.txidHex(), prevout.index) !== undefined);
  }

  isImmatureCoinbase(wtx: WalletTx, tipHeight: number): boolean {
    return wtx.tx.isCoinbase() && Math.max(0, this.params.coinbaseMaturity + 1 - this.depth(wtx, tipHeight)) > 0;
  }

  /** Core's CachedTxIsTrusted. */
  isTrusted(wtx: WalletTx, tipHeight: number, memo = new Map<string, boolean>()): boolean {
    const depth = this.depth(wtx, tipHeight);
    if (depth >= 1) return true;
    if (depth < 0 || !this.isActive(wtx) || !this.inMempool(wtx.txid) || !this.allInputsMine(wtx.tx)) return false;
    const cached = memo.get(wtx.txid);
    if (cached !== undefined) return cached;
    memo.set(wtx.txid, false); // a cycle cannot happen in valid txs; this just bounds the recursion
    const trusted = wtx.tx.inputs.every(({ prevout }) => this.isTrusted(this.txs.get(prevout.txidHex())!, tipHeight, memo));
    memo.set(wtx.txid, trusted);
    return trusted;
  }

  /** Core's GetBalance(min_depth). */
  balances(tipHeight: number, minDepth = 0): Balances {
    const out: Balances = { trusted: 0n, untrusted_pending: 0n, immature: 0n };
    const memo = new Map<string, boolean>();
    for (const wtx of this.txs.values()) {
      if (!this.isActive(wtx)) continue;
      const depth = this.depth(wtx, tipHeight);
      if (this.isImmatureCoinbase(wtx, tipHeight)) {
        if (depth > 0) out.immature += this.credit(wtx.tx);
        continue;
      }
      const { clean, reused } = this.availableCredit(wtx);
      // With avoid_reuse, Core's balances leave coins on used scripts out; getbalances shows them as `used`.
      const available = this.avoidReuse ? clean : clean + reused;
      const trusted = this.isTrusted(wtx, tipHeight, memo);
      const pending = !trusted && depth === 0 && this.inMempool(wtx.txid);
      if (trusted && depth >= minDepth) out.trusted += available;
      if (pending) out.untrusted_pending += available;
      if (this.avoidReuse && (trusted || pending)) out.used = (out.used ?? 0n) + reused;
    }
    if (this.avoidReuse) out.used ??= 0n;
    return out;
  }

  /**
   * Unspent outputs we own of active txs, mature, and confirmed or in the mempool (Core's
   * AvailableCoins); with avoid_reuse, those on used scripts only when `includeReused`.
   */
  unspent(tipHeight: number, options: { confirmedOnly?: boolean; sorted?: boolean; includeReused?: boolean } = {}): WalletCoin[] {
    const skipReused = this.avoidReuse && !options.includeReused;
    const coins: WalletCoin[] = [];
    const memo = new Map<string, boolean>();
    for (const indexed of this.unspentIndex.values()) {
      const { wtx, vout, key, outpoint } = indexed;
      if (this.locked.size > 0 && this.locked.has(outpoint.key())) continue;
      // avoid_reuse: a send never spends from a script spent from before (listunspent still lists it).
      if (skipReused && this.usedScripts.has(key.scriptHex)) continue;
      const confirmed = wtx.record.state === 'confirmed';
      // A send tries confirmed coins first, without weighing the trust of every unconfirmed one.
      if (options.confirmedOnly && !confirmed) continue;
      // A confirmed coin is the same object while the tip stays: a send in a burst builds none.
      if (confirmed && indexed.confirmed?.tip === tipHeight && indexed.confirmed.coin.wtx.record === wtx.record) {
        coins.push(indexed.confirmed.coin);
        continue;
      }
      if (this.isImmatureCoinbase(wtx, tipHeight)) continue;
      const depth = this.depth(wtx, tipHeight);
      if (depth === 0 && !this.inMempool(wtx.txid)) continue;
      const trusted = this.isTrusted(wtx, tipHeight, memo);
      const coin: WalletCoin = { outpoint, txid: wtx.txid, vout, value: wtx.tx.outputs[vout].value, key, depth, coinbase: wtx.tx.isCoinbase(), trusted, wtx };
      if (confirmed) indexed.confirmed = { tip: tipHeight, coin };
      coins.push(coin);
    }
    // History order for listings (oldest tx first, then by output); a send's selection needs none.
    return options.sorted === false ? coins : coins.sort((a, b) => a.wtx.record.order - b.wtx.record.order || a.vout - b.vout);
  }

  /** Unspent value of `wtx` paying us, split by whether the script was spent from before. */
  private availableCredit(wtx: WalletTx): { clean: bigint; reused: bigint } {
    const sum = { clean: 0n, reused: 0n };
    wtx.tx.outputs.forEach((output, vout) => {
      const key = this.keys.byScript(output.script);
      if (!key || this.isSpent(new OutPoint(wtx.tx.txidBytes(), vout))) return;
      if (this.usedScripts.has(key.scriptHex)) sum.reused += output.value;
      else sum.clean += output.value;
    });
    return sum;
  }
}
