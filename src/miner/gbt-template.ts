/**
 * A BlockTemplate from a getblocktemplate answer, built as any getblocktemplate miner builds it:
 * our own coinbase (BIP34 height, extranonce, payout of coinbasevalue, the node's default witness
 * commitment), the template's transactions as given. Being a BlockTemplate, a new extranonce
 * costs only the coinbase's merkle branch, as for a local template.
 */
import { Block } from '../primitives/block.js';
import { fromHex, hexToHash } from '../primitives/bytes.js';
import { DecodeError } from '../primitives/errors.js';
import { BlockHeader } from '../primitives/header.js';
import { Transaction } from '../primitives/transaction.js';
import { type CoinbaseSpec, buildCoinbase } from './coinbase.js';
import type { TemplateEntry } from './interfaces.js';
import { firstLeafBranch, rootFromBranch } from './merkle-branch.js';
import type { SelectedTx } from './package-selection.js';
import { BlockTemplate } from './template.js';

/** A getblocktemplate answer the miner cannot use: a node speaking another dialect, or a broken one. */
export class GbtTemplateError extends Error {
  readonly code = 'bad-template';

  constructor(
    message: string,
    readonly field: string,
  ) {
    super(`getblocktemplate answer: ${message}`);
    this.name = 'GbtTemplateError';
  }
}

type Json = Record<string, unknown>;

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GbtTemplateError(`${field} is not an object`, field);
  return value as Json;
}

function integer(json: Json, field: string, min: number, max: number): number {
  const value = json[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw new GbtTemplateError(`${field} is not an integer in [${min}, ${max}]`, field);
  return value;
}

function optionalInteger(json: Json, field: string): number | undefined {
  return json[field] === undefined ? undefined : integer(json, field, 0, Number.MAX_SAFE_INTEGER);
}

function hex(json: Json, field: string, length?: number): string {
  const value = json[field];
  if (typeof value !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(value) || (length !== undefined && value.length !== length)) {
    throw new GbtTemplateError(`${field} is not ${length === undefined ? '' : `${length}-digit `}hex`, field);
  }
  return value;
}

/** The template's transactions, each with its fee, weight and in-template parents as the node gave them. */
function selectedTxs(list: unknown): SelectedTx[] {
  if (!Array.isArray(list)) throw new GbtTemplateError('transactions is not an array', 'transactions');
  const txids: string[] = [];
  return list.map((item, index) => {
    const field = `transactions[${index}]`;
    const json = object(item, field);
    let tx: Transaction;
    try {
      tx = Transaction.decode(fromHex(hex(json, 'data')));
    } catch (err) {
      if (err instanceof DecodeError) throw new GbtTemplateError(`${field}.data does not decode: ${err.message}`, field);
      throw err;
    }
    const txid = tx.txid();
    if (json.txid !== undefined && json.txid !== txid) throw new GbtTemplateError(`${field}.txid is not the txid of its data`, field);
    const depends = Array.isArray(json.depends) ? json.depends : [];
    if (!depends.every((d): d is number => Number.isSafeInteger(d) && d >= 1 && d <= index)) throw new GbtTemplateError(`${field}.depends names a transaction not before it`, field);
    txids.push(txid);
    const entry: TemplateEntry = { tx, txid, fee: BigInt(optionalInteger(json, 'fee') ?? 0), weight: optionalInteger(json, 'weight') ?? tx.weight(), parents: depends.map((d) => txids[d - 1]) };
    return { entry, sigops: optionalInteger(json, 'sigops') ?? 0, depends };
  });
}

/** The template for one extranonce (nonce 0, time at least mintime); throws GbtTemplateError on an answer it cannot mine. */
export function templateFromGbt(answer: unknown, payoutScript: Uint8Array, extraNonce: bigint, now: number): BlockTemplate {
  const json = object(answer, 'the answer');
  const height = integer(json, 'height', 1, 0x7fffffff);
  const previousHash = hex(json, 'previousblockhash', 64).toLowerCase();
  const mintime = integer(json, 'mintime', 0, 0xffffffff);
  const txs = selectedTxs(json.transactions);
  const coinbase: CoinbaseSpec = {
    height,
    value: BigInt(integer(json, 'coinbasevalue', 0, Number.MAX_SAFE_INTEGER)),
    payoutScript,
    commitmentScript: json.default_witness_commitment === undefined ? undefined : fromHex(hex(json, 'default_witness_commitment')),
  };
  const coinbaseTx = buildCoinbase(coinbase, extraNonce);
  const branch = firstLeafBranch(txs.map((selected) => selected.entry.tx.txidBytes()));
  const header = new BlockHeader({
    version: integer(json, 'version', -0x80000000, 0x7fffffff),
    prevHash: hexToHash(previousHash),
    merkleRoot: rootFromBranch(coinbaseTx.txidBytes(), branch),
    time: Math.max(now, mintime),
    bits: Number.parseInt(hex(json, 'bits', 8), 16),
    nonce: 0,
  });
  const block = new Block(header, [coinbaseTx, ...txs.map((selected) => selected.entry.tx)]);
  return new BlockTemplate({
    block,
    height,
    fees: txs.reduce((sum, selected) => sum + selected.entry.fee, 0n),
    txs,
    weight: block.weight(),
    sigops: txs.reduce((sum, selected) => sum + selected.sigops, 0),
    previousHash,
    mintime,
    extraNonce,
    coinbase,
    branch,
  });
}
