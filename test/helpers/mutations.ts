/**
 * Forged copies of a valid block that keep its header (so its hash) but change the body, one per
 * way a relay can alter a block without redoing its proof of work (Core's BLOCK_MUTATED).
 */
import { Block, Transaction } from '../../src/primitives/index.js';

export type Mutation = 'junk-body' | 'merkle-mismatch' | 'duplicate-tail' | 'stripped-witness' | 'altered-witness' | 'coinbase-witness';

/** Which rule each mutation breaks. */
export const MUTATION_CODE = {
  'junk-body': 'block-decode-failed',
  'merkle-mismatch': 'bad-txnmrklroot',
  'duplicate-tail': 'bad-txns-duplicate',
  'stripped-witness': 'bad-witness-nonce-size',
  'altered-witness': 'bad-witness-merkle-match',
  'coinbase-witness': 'unexpected-witness',
} as const satisfies Record<Mutation, string>;

/** The header's 80 bytes followed by `junk` (random-looking bytes: does not decode as a block). */
export function junkBody(block: Block, junk = 1_000): Uint8Array {
  const bytes = new Uint8Array(80 + junk);
  bytes.set(block.encode().subarray(0, 80));
  for (let i = 80; i < bytes.length; i++) bytes[i] = (i * 197 + 13) & 0xff;
  return bytes;
}

/** The real header over a different tx list (the coinbase alone): the merkle root does not match. */
export function merkleMismatch(block: Block): Block {
  return new Block(block.header, [block.txs[0]]);
}

/** CVE-2012-2459: the last tx repeated, which leaves the merkle root of an odd-length list unchanged. */
export function duplicateTail(block: Block): Block {
  if (block.txs.length % 2 === 0) throw new Error('duplicateTail needs an odd number of txs');
  return new Block(block.header, [...block.txs, block.txs[block.txs.length - 1]]);
}

/** Every witness removed, as a pre-segwit relay would send it: txids (and the header) unchanged. */
export function strippedWitness(block: Block): Block {
  return new Block(block.header, block.txs.map((tx) => withWitnesses(tx, () => [])));
}

/** The first non-coinbase tx's witness altered: its txid, so the header, unchanged. */
export function alteredWitness(block: Block): Block {
  const index = block.txs.findIndex((tx, i) => i > 0 && tx.hasWitness());
  if (index < 0) throw new Error('alteredWitness needs a tx with a witness');
  const txs = block.txs.slice();
  txs[index] = withWitnesses(txs[index], ([first, ...rest]) => {
    const flipped = first.slice();
    flipped[10] ^= 1;
    return [flipped, ...rest];
  });
  return new Block(block.header, txs);
}

/** A witness added to the coinbase of a block that commits to none. */
export function coinbaseWitness(block: Block): Block {
  return new Block(block.header, [withWitnesses(block.txs[0], () => [new Uint8Array(32)]), ...block.txs.slice(1)]);
}

/** The forged bytes for `mutation`. */
export function mutate(block: Block, mutation: Mutation): Uint8Array {
  switch (mutation) {
    case 'junk-body':
      return junkBody(block);
    case 'merkle-mismatch':
      return merkleMismatch(block).encode();
    case 'duplicate-tail':
      return duplicateTail(block).encode();
    case 'stripped-witness':
      return strippedWitness(block).encode();
    case 'altered-witness':
      return alteredWitness(block).encode();
    case 'coinbase-witness':
      return coinbaseWitness(block).encode();
  }
}

function withWitnesses(tx: Transaction, change: (witness: readonly Uint8Array[]) => Uint8Array[]): Transaction {
  return new Transaction({ ...tx, inputs: tx.inputs.map((input) => ({ ...input, witness: change(input.witness) })) });
}
