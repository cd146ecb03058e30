/**
 * The UTXO part of connecting a block (Bitcoin Core's ConnectBlock minus scripts): spend every
 * input and add every output in block order, sum fees, bound sigop cost and the coinbase payout.
 * Nothing is written here: the result lists the UTXO changes and undo data for the store to
 * commit in one batch, and the inputs the script checker must verify (the chain runs scripts
 * separately so it can cache and parallelise them).
 *
 * BIP30 (no tx may overwrite an unspent output with the same txid) is not checked: with BIP34
 * enforced from height 1 every coinbase commits to its height, so coinbase txids are unique, and
 * every other tx spends outputs that descend from those coinbases, so its txid is unique too.
 */
import type { Block } from '../primitives/block.js';
import type { Coin } from '../primitives/coin.js';
import type { OutPoint } from '../primitives/outpoint.js';
import type { Transaction } from '../primitives/transaction.js';
import type { NetworkParams } from '../params/types.js';
import { CreatedOutputs } from './created-outputs.js';
import { RuleError } from './errors.js';
import { checkBlockSigOpsCost, transactionSigOpCost } from './sigops.js';
import { blockSubsidy, moneyRange } from './subsidy.js';
import { checkTxInputValues, lookupInputCoins } from './tx-inputs.js';

/** Read access to the UTXO set as of the parent block. */
export interface CoinView {
  get(outpoint: OutPoint): Coin | undefined;
}

export interface CoinEntry {
  outpoint: OutPoint;
  coin: Coin;
}

export interface ConnectedInputs {
  /** Sum of all non-coinbase fees. */
  fees: bigint;
  /** Sigop cost of the whole block (BIP141 units). */
  sigOpsCost: number;
  /**
   * The undo data: coins of the parent's UTXO set this block spends, in spending order. To
   * disconnect, delete `created` (all outputs of the block) and put these back. Coins created
   * and spent inside this block appear in neither list: they never reach the UTXO set.
   */
  spent: CoinEntry[];
  /** The outpoint keys (OutPoint.key()) of `spent`: the set the connect's overlay made. */
  spentKeys: ReadonlySet<string>;
  /**
   * Outputs of this block still unspent at its end (OP_RETURN and oversized scripts excluded),
   * one record per tx, by txid (display hex): the map the connect's overlay made, which the
   * store's write cache keeps as it is (write-cache.ts, CoinLayer) instead of a record per coin.
   */
  created: ReadonlyMap<string, CreatedOutputs>;
  /**
   * The coins each tx spends, by tx index, in input order (the coinbase's list is empty): what
   * the scripts are checked against. One array per tx, the one its lookup made, rather than an
   * object per input.
   */
  spentCoins: Array<readonly Coin[]>;
}

/** The coinbase spends nothing. */
const NO_COINS: readonly Coin[] = [];

/**
 * Validates the block's spends against `view` (the UTXO set at the parent) and returns the
 * changes. The block must already have passed checkBlock and checkBlockContext.
 */
export function connectBlockInputs(block: Block, height: number, view: CoinView, params: NetworkParams): ConnectedInputs {
  const overlay = new BlockCoinOverlay(view);
  const spentCoins: Array<readonly Coin[]> = new Array(block.txs.length);
  const witnessActive = height >= params.segwitHeight;
  const lookup = (prevout: OutPoint) => overlay.get(prevout);
  let fees = 0n;
  let sigOpsCost = 0;
  // An indexed loop, no closure per tx: each node reaching a block runs this for all its txs.
  for (let txIndex = 0; txIndex < block.txs.length; txIndex++) {
    const tx = block.txs[txIndex];
    const coinbase = txIndex === 0;
    const coins = coinbase ? NO_COINS : lookupInputCoins(tx, lookup);
    spentCoins[txIndex] = coins;
    if (!coinbase) {
      fees += checkTxInputValues(tx, coins, height, params);
      checkAccumulatedFees(fees, params);
    }
    sigOpsCost += transactionSigOpCost(tx, coins, witnessActive);
    checkBlockSigOpsCost(sigOpsCost, 'too many sigops');
    if (!coinbase) for (let i = 0; i < coins.length; i++) overlay.spend(tx.inputs[i].prevout, coins[i]);
    overlay.addOutputs(tx, height, coinbase);
  }
  checkCoinbaseAmount(block, height, fees, params);
  return { fees, sigOpsCost, spent: overlay.spent, spentKeys: overlay.spentKeys, created: overlay.created, spentCoins };
}

/** Each fee is in range, but their sum must be too before it is added to the subsidy. */
export function checkAccumulatedFees(fees: bigint, params: NetworkParams): void {
  if (!moneyRange(fees, params)) throw new RuleError('bad-txns-accumulated-fee-outofrange', `accumulated fee ${fees}`);
}

/** The coinbase may claim at most the subsidy plus the fees; claiming less destroys the rest. */
export function checkCoinbaseAmount(block: Block, height: number, fees: bigint, params: NetworkParams): void {
  const limit = blockSubsidy(height, params) + fees;
  const actual = block.txs[0].outputs.reduce((sum, output) => sum + output.value, 0n);
  if (actual > limit) throw new RuleError('bad-cb-amount', `coinbase pays too much (actual=${actual} vs limit=${limit})`);
}

/**
 * The parent's UTXO set with this block's changes so far on top, so a tx can spend an output
 * of an earlier tx in the same block, and a second spend of any coin finds nothing.
 */
class BlockCoinOverlay {
  readonly spent: CoinEntry[] = [];
  /** By txid: the view cannot hold an output of these txs (their txids are unique, see above). */
  readonly created = new Map<string, CreatedOutputs>();
  readonly spentKeys = new Set<string>();

  constructor(private readonly view: CoinView) {}

  get(outpoint: OutPoint): Coin | undefined {
    const own = this.created.get(outpoint.txidHex());
    if (own) return own.coin(outpoint.index);
    if (this.spentKeys.has(outpoint.key())) return undefined;
    return this.view.get(outpoint);
  }

  spend(outpoint: OutPoint, coin: Coin): void {
    const own = this.created.get(outpoint.txidHex());
    if (own) return own.spend(outpoint.index);
    this.spentKeys.add(outpoint.key());
    this.spent.push({ outpoint, coin });
  }

  addOutputs(tx: Transaction, height: number, coinbase: boolean): void {
    this.created.set(tx.txid(), new CreatedOutputs(tx, height, coinbase));
  }
}
