/**
 * A block from a getblocktemplate answer, built as any getblocktemplate miner builds it: our own
 * coinbase (BIP34 height, extranonce, payout of coinbasevalue, the default witness commitment),
 * the template's transactions as given, the merkle root over their txids.
 */
import { buildCoinbase } from '../miner/coinbase.js';
import { Block } from '../primitives/block.js';
import { fromHex, hexToHash } from '../primitives/bytes.js';
import { BlockHeader } from '../primitives/header.js';
import { computeMerkleRoot } from '../primitives/merkle.js';
import { Transaction } from '../primitives/transaction.js';

/** The fields of Core's getblocktemplate answer a miner needs. */
export interface TemplateJson {
  version: number;
  previousblockhash: string;
  transactions: Array<{ data: string; txid: string }>;
  coinbasevalue: number;
  longpollid?: string;
  target: string;
  mintime: number;
  curtime: number;
  bits: string;
  height: number;
  default_witness_commitment?: string;
}

export class GbtWork {
  private readonly txs: Transaction[];

  constructor(
    readonly template: TemplateJson,
    private readonly payoutScript: Uint8Array,
  ) {
    this.txs = template.transactions.map((t) => Transaction.decode(fromHex(t.data)));
  }

  get target(): bigint {
    return BigInt(`0x${this.template.target}`);
  }

  /** The block for one extranonce, with nonce 0 (the search fills it in). */
  block(extraNonce: bigint, now: number): Block {
    const t = this.template;
    const coinbase = buildCoinbase(
      {
        height: t.height,
        value: BigInt(t.coinbasevalue),
        payoutScript: this.payoutScript,
        commitmentScript: t.default_witness_commitment ? fromHex(t.default_witness_commitment) : undefined,
      },
      extraNonce,
    );
    const txs = [coinbase, ...this.txs];
    const header = new BlockHeader({
      version: t.version,
      prevHash: hexToHash(t.previousblockhash),
      merkleRoot: computeMerkleRoot(txs.map((tx) => tx.txidBytes())).root,
      time: Math.max(now, t.mintime),
      bits: Number.parseInt(t.bits, 16),
      nonce: 0,
    });
    return new Block(header, txs);
  }
}
