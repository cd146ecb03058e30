/**
 * Builders for valid coinbases, transactions and mined blocks, so consensus and chain tests can
 * lay down sequences of blocks (forks, reorgs) in a few lines. Scripts and signatures are not
 * produced here: spends carry a dummy witness unless the caller passes a real signed tx.
 */
import { Block } from '../../src/primitives/block.js';
import { concatBytes, fromHex, ZERO_HASH } from '../../src/primitives/bytes.js';
import { sha256 } from '../../src/primitives/hash.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { computeMerkleRoot, witnessCommitmentHash } from '../../src/primitives/merkle.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction, type TxInput, type TxOutput } from '../../src/primitives/transaction.js';
import type { NetworkParams } from '../../src/params/types.js';
import { encodeCoinbaseHeight } from '../../src/consensus/block-context.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { p2wpkhScript } from '../../src/consensus/script.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';

/** Regtest's bits: target ~2^255, so about every second nonce solves a block. */
export const REGTEST_BITS = 0x207fffff;
export const BLOCK_VERSION = 0x20000000;
export const SEQUENCE_FINAL = 0xffffffff;
/** BIP141's coinbase witness: one 32-byte reserved value (zeros, as Core's miner uses). */
export const WITNESS_RESERVED_VALUE: Uint8Array = new Uint8Array(32);
const COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);

/** A deterministic P2WPKH output script for a label, standing in for a wallet's address. */
export function payTo(label: string | number): Uint8Array {
  return p2wpkhScript(sha256(new TextEncoder().encode(String(label))).subarray(0, 20));
}

/** A witness shaped like a P2WPKH spend (72-byte "signature", 33-byte "pubkey"); never verified by the UTXO rules. */
export function dummyWitness(): Uint8Array[] {
  return [new Uint8Array(72).fill(0x30), Uint8Array.of(0x02, ...new Uint8Array(32).fill(0x11))];
}

export interface SpendInput {
  prevout: OutPoint;
  witness?: Uint8Array[];
  scriptSig?: Uint8Array;
  sequence?: number;
}

export interface BuildTxOptions {
  inputs: ReadonlyArray<OutPoint | SpendInput>;
  outputs: readonly TxOutput[];
  version?: number;
  locktime?: number;
}

/** A tx spending the given outpoints; each input gets a dummy P2WPKH witness unless one is given. */
export function buildTx(options: BuildTxOptions): Transaction {
  const inputs: TxInput[] = options.inputs.map((input) => {
    const spend = input instanceof OutPoint ? { prevout: input } : input;
    return {
      prevout: spend.prevout,
      scriptSig: spend.scriptSig ?? new Uint8Array(0),
      sequence: spend.sequence ?? SEQUENCE_FINAL,
      witness: spend.witness ?? dummyWitness(),
    };
  });
  return new Transaction({ version: options.version ?? 2, inputs, outputs: options.outputs, locktime: options.locktime ?? 0 });
}

export function outpoint(tx: Transaction, index = 0): OutPoint {
  return new OutPoint(tx.txidBytes(), index);
}

export interface BuildCoinbaseOptions {
  height: number;
  /** Defaults to one output paying `value` to `payoutScript`. */
  outputs?: readonly TxOutput[];
  value?: bigint;
  payoutScript?: Uint8Array;
  /** Extra scriptSig data after the height, so sibling blocks at one height differ (Core's extranonce). */
  tag?: number;
  /** Adds BIP141's commitment to these (non-coinbase) txs' witnesses, and the reserved-value witness. */
  commitTo?: readonly Transaction[];
}

/** A coinbase with the BIP34 height, a 4-byte tag (keeping the scriptSig within 2..100 bytes) and optionally a witness commitment. */
export function buildCoinbase(options: BuildCoinbaseOptions): Transaction {
  const tag = new Uint8Array(4);
  new DataView(tag.buffer).setUint32(0, options.tag ?? 0, true);
  const scriptSig = concatBytes(encodeCoinbaseHeight(options.height), Uint8Array.of(4), tag);
  const outputs: TxOutput[] = options.outputs
    ? [...options.outputs]
    : [{ value: options.value ?? 0n, script: options.payoutScript ?? payTo('miner') }];
  if (options.commitTo) outputs.push({ value: 0n, script: witnessCommitmentScript(options.commitTo) });
  return new Transaction({
    version: 2,
    inputs: [
      {
        prevout: OutPoint.null(),
        scriptSig,
        sequence: SEQUENCE_FINAL,
        witness: options.commitTo ? [WITNESS_RESERVED_VALUE] : [],
      },
    ],
    outputs,
    locktime: 0,
  });
}

/** `OP_RETURN aa21a9ed || sha256d(witnessRoot || reserved)` over the coinbase (as zero) and these txs. */
export function witnessCommitmentScript(txs: readonly Transaction[], reserved = WITNESS_RESERVED_VALUE): Uint8Array {
  const { root } = computeMerkleRoot([ZERO_HASH, ...txs.map((tx) => tx.wtxidBytes())]);
  return concatBytes(COMMITMENT_HEADER, witnessCommitmentHash(root, reserved));
}

export interface HeaderFields {
  prevHash: Uint8Array;
  time: number;
  bits: number;
  version?: number;
  nonce?: number;
}

/** A block over exactly these txs with the correct merkle root, not mined. */
export function assembleBlock(fields: HeaderFields, txs: readonly Transaction[]): Block {
  const header = new BlockHeader({
    version: fields.version ?? BLOCK_VERSION,
    prevHash: fields.prevHash,
    merkleRoot: computeMerkleRoot(txs.map((tx) => tx.txidBytes())).root,
    time: fields.time,
    bits: fields.bits,
    nonce: fields.nonce ?? 0,
  });
  return new Block(header, txs);
}

/** Searches nonces from the current one until the header meets its bits (quick only at regtest difficulty). */
export function mine(block: Block, params: NetworkParams, maxTries = 1_000_000): Block {
  let header = block.header;
  for (let tries = 0; tries < maxTries; tries++) {
    const failure = checkProofOfWork(header.hashBytes(), header.bits, params.powLimit);
    if (!failure) return new Block(header, block.txs);
    if (failure === 'bad-bits') throw new Error(`bits 0x${header.bits.toString(16)} are invalid for ${params.name}`);
    header = header.with({ nonce: (header.nonce + 1) >>> 0 });
  }
  throw new Error(`no nonce found in ${maxTries} tries: use regtest difficulty`);
}

export interface BuildBlockOptions {
  params: NetworkParams;
  /** The parent block or header; its hash becomes prevHash, its time and bits are the defaults' base. */
  parent: Block | BlockHeader;
  height: number;
  /** Defaults to parent time + targetSpacing. */
  time?: number;
  /** Defaults to the parent's bits. */
  bits?: number;
  version?: number;
  /** Non-coinbase txs, in block order. */
  txs?: readonly Transaction[];
  payoutScript?: Uint8Array;
  /** Added to the subsidy in the coinbase output (the builder cannot see the spent coins). */
  fees?: bigint;
  /** Overrides subsidy + fees. */
  coinbaseValue?: bigint;
  /** Distinguishes sibling blocks built on one parent at one height. */
  tag?: number;
  /** Defaults to true once segwit is active, as Core's miner always commits. */
  witnessCommitment?: boolean;
  /** Defaults to true; false leaves nonce 0 (for tests of the PoW rule itself). */
  mine?: boolean;
}

/** A valid block: BIP34 coinbase paying subsidy + fees, witness commitment, merkle root, solved header. */
export function buildBlock(options: BuildBlockOptions): Block {
  const { params, height } = options;
  const parent = options.parent instanceof Block ? options.parent.header : options.parent;
  const txs = options.txs ?? [];
  const commit = options.witnessCommitment ?? height >= params.segwitHeight;
  const coinbase = buildCoinbase({
    height,
    value: options.coinbaseValue ?? blockSubsidy(height, params) + (options.fees ?? 0n),
    payoutScript: options.payoutScript,
    tag: options.tag,
    commitTo: commit ? txs : undefined,
  });
  const block = assembleBlock(
    {
      prevHash: parent.hashBytes(),
      time: options.time ?? parent.time + params.targetSpacing,
      bits: options.bits ?? parent.bits,
      version: options.version,
    },
    [coinbase, ...txs],
  );
  return options.mine === false ? block : mine(block, params);
}

export interface ExtendChainOptions {
  params: NetworkParams;
  parent: Block | BlockHeader;
  parentHeight: number;
  count: number;
  payoutScript?: Uint8Array;
  /** Same tag on every block of this branch; give each fork its own. */
  tag?: number;
}

/** `count` empty blocks on top of `parent`, for forks and reorgs. */
export function extendChain(options: ExtendChainOptions): Block[] {
  const blocks: Block[] = [];
  let parent = options.parent;
  for (let i = 1; i <= options.count; i++) {
    const block = buildBlock({
      params: options.params,
      parent,
      height: options.parentHeight + i,
      payoutScript: options.payoutScript,
      tag: options.tag,
    });
    blocks.push(block);
    parent = block;
  }
  return blocks;
}

/** The network's genesis block, decoded. */
export function genesisBlock(params: NetworkParams): Block {
  return Block.decode(fromHex(params.genesisBlock));
}
