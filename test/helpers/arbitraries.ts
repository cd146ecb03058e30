import fc from 'fast-check';
import { BlockHeader, OutPoint, Transaction, type TxInput, type TxOutput } from '../../src/primitives/index.js';

export const arbHash = fc.uint8Array({ minLength: 32, maxLength: 32 });
export const arbU32 = fc.integer({ min: 0, max: 0xffffffff });

export const arbHeader = fc
  .record({ version: fc.integer({ min: -0x80000000, max: 0x7fffffff }), prevHash: arbHash, merkleRoot: arbHash, time: arbU32, bits: arbU32, nonce: arbU32 })
  .map((fields) => new BlockHeader(fields));

const arbScript = fc.uint8Array({ maxLength: 300 });

function arbInput(withWitness: boolean): fc.Arbitrary<TxInput> {
  return fc.record({
    prevout: fc.record({ txid: arbHash, index: arbU32 }).map(({ txid, index }) => new OutPoint(txid, index)),
    scriptSig: arbScript,
    sequence: arbU32,
    witness: withWitness ? fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 4 }) : fc.constant([]),
  });
}

const arbOutput: fc.Arbitrary<TxOutput> = fc.record({
  value: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  script: arbScript,
});

/**
 * Transactions that survive a round trip: at least one input (a zero-input tx is read as a
 * segwit marker, as in Core) and, when any witness is present, a non-empty one.
 */
export const arbTransaction: fc.Arbitrary<Transaction> = fc
  .tuple(fc.boolean(), arbU32, arbU32)
  .chain(([segwit, version, locktime]) =>
    fc
      .record({
        inputs: fc.array(arbInput(segwit), { minLength: 1, maxLength: 5 }),
        outputs: fc.array(arbOutput, { maxLength: 5 }),
      })
      .map(({ inputs, outputs }) => new Transaction({ version, inputs, outputs, locktime })),
  );
