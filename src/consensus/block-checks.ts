/**
 * Context-free block rules: Bitcoin Core's CheckBlock, one function per rule. Proof of work
 * comes first so a peer cannot make us hash a large body for free; the merkle checks come next
 * because every later rule trusts the txs to be the ones the header commits to.
 */
import { bytesEqual } from '../primitives/bytes.js';
import type { Block } from '../primitives/block.js';
import { WITNESS_SCALE_FACTOR } from '../primitives/transaction.js';
import type { NetworkParams } from '../params/types.js';
import { isRuleError, RuleError } from './errors.js';
import { checkBlockHeader } from './header-checks.js';
import { checkBlockSigOpsCost, legacySigOpCount } from './sigops.js';
import { checkTransaction } from './tx-checks.js';

export interface CheckBlockOptions {
  /** Core's fCheckPOW: false only for a template the miner has not solved yet. */
  checkPow?: boolean;
  /** Core's fCheckMerkleRoot: false only for a template whose root is not filled in yet. */
  checkMerkleRoot?: boolean;
}

/** Runs every context-free block rule in Core's order (header PoW first, as CheckBlockHeader); throws the first RuleError. */
export function checkBlock(block: Block, params: NetworkParams, options: CheckBlockOptions = {}): void {
  if (options.checkPow ?? true) checkBlockHeader(block.header, params);
  if (options.checkMerkleRoot ?? true) checkMerkleRoot(block);
  checkBlockSize(block, params);
  checkCoinbasePlacement(block);
  checkBlockTransactions(block, params);
  checkBlockLegacySigOps(block);
}

/**
 * The header must commit to exactly these txs. Both failures mean the body may have been
 * altered in transit while the header is fine, so the block hash must not be marked invalid.
 */
export function checkMerkleRoot(block: Block): void {
  const { root, mutated } = block.computeMerkleRoot();
  if (!bytesEqual(root, block.header.merkleRoot)) {
    throw new RuleError('bad-txnmrklroot', 'hashMerkleRoot mismatch');
  }
  // CVE-2012-2459: duplicated trailing txs give the same root as the honest, shorter list.
  if (mutated) throw new RuleError('bad-txns-duplicate', 'duplicate transaction');
}

/** At least one tx, and the non-witness bytes alone must fit the weight limit. */
export function checkBlockSize(block: Block, params: NetworkParams): void {
  if (
    block.txs.length === 0 ||
    block.txs.length * WITNESS_SCALE_FACTOR > params.maxBlockWeight ||
    block.strippedSize() * WITNESS_SCALE_FACTOR > params.maxBlockWeight
  ) {
    throw new RuleError('bad-blk-length', 'size limits failed');
  }
}

/** The first tx, and only the first, is a coinbase. */
export function checkCoinbasePlacement(block: Block): void {
  if (block.txs.length === 0 || !block.txs[0].isCoinbase()) throw new RuleError('bad-cb-missing', 'first tx is not coinbase');
  for (let i = 1; i < block.txs.length; i++) {
    if (block.txs[i].isCoinbase()) throw new RuleError('bad-cb-multiple', `more than one coinbase (tx ${i})`);
  }
}

/** Every tx passes CheckTransaction; the block fails with the tx's own reason, as Core reports it. */
export function checkBlockTransactions(block: Block, params: NetworkParams): void {
  for (const tx of block.txs) {
    try {
      checkTransaction(tx, params);
    } catch (err) {
      if (!isRuleError(err)) throw err;
      throw new RuleError(err.code, `Transaction check failed (tx hash ${tx.txid()}) ${err.detail ?? ''}`.trimEnd(), {
        action: err.action,
      });
    }
  }
}

/** Legacy sigops can be counted without the UTXO set, so this cheap bound is applied early. */
export function checkBlockLegacySigOps(block: Block): void {
  let count = 0;
  for (const tx of block.txs) count += legacySigOpCount(tx);
  checkBlockSigOpsCost(count * WITNESS_SCALE_FACTOR);
}
