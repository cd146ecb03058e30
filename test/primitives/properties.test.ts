import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Block, BlockHeader, DecodeError, OutPoint, Transaction, fromHex, toHex } from '../../src/primitives/index.js';
import { arbHeader, arbTransaction } from '../helpers/arbitraries.js';
import { vectors } from '../helpers/vectors.js';

/** A decoder may succeed or throw DecodeError; anything else (RangeError, TypeError) is a bug. */
function decodesOrDecodeError(decode: (bytes: Uint8Array) => { encode(): Uint8Array }, bytes: Uint8Array): void {
  try {
    const value = decode(bytes);
    // Whatever decodes must be canonical: it re-encodes to the very same bytes.
    assert.equal(toHex(value.encode()), toHex(bytes));
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
  }
}

const decoders: Record<string, (bytes: Uint8Array) => { encode(): Uint8Array }> = {
  header: (b) => BlockHeader.decode(b),
  tx: (b) => Transaction.decode(b),
  block: (b) => Block.decode(b),
};

describe('properties', () => {
  test('header encode/decode round trip', () => {
    fc.assert(
      fc.property(arbHeader, (header) => {
        const again = BlockHeader.decode(header.encode());
        assert.equal(again.hash(), header.hash());
        assert.equal(toHex(again.encode()), toHex(header.encode()));
      }),
      { numRuns: 500 },
    );
  });

  test('transaction encode/decode round trip keeps txid, wtxid, sizes and weight', () => {
    fc.assert(
      fc.property(arbTransaction, (tx) => {
        const bytes = tx.encode();
        assert.equal(bytes.length, tx.size());
        assert.equal(tx.encode(false).length, tx.strippedSize());
        const again = Transaction.decode(bytes);
        assert.equal(again.txid(), tx.txid());
        assert.equal(again.wtxid(), tx.wtxid());
        assert.equal(again.weight(), tx.weight());
        assert.equal(toHex(again.encode()), toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  test('block encode/decode round trip', () => {
    fc.assert(
      fc.property(arbHeader, fc.array(arbTransaction, { minLength: 1, maxLength: 4 }), (header, txs) => {
        const block = new Block(header, txs);
        const again = Block.decode(block.encode());
        assert.equal(toHex(again.encode()), toHex(block.encode()));
        assert.equal(again.weight(), block.weight());
      }),
      { numRuns: 200 },
    );
  });

  for (const [name, decode] of Object.entries(decoders)) {
    test(`random bytes fed to the ${name} decoder give a value or a DecodeError, nothing else`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => decodesOrDecodeError(decode, bytes)),
        { numRuns: 3000 },
      );
    });
  }

  test('single-byte mutations of real transactions and blocks decode canonically or fail with DecodeError', () => {
    const samples = [
      { decode: decoders.tx, bytes: fromHex(vectors.segwit.bip143_native_p2wpkh.signed_tx_hex) },
      { decode: decoders.block, bytes: fromHex(vectors.segwit.mainnet_block_542213.raw_block_hex) },
    ];
    for (const { decode, bytes } of samples) {
      fc.assert(
        fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), (index, value) => {
          const mutated = bytes.slice();
          mutated[index] = value;
          decodesOrDecodeError(decode, mutated);
        }),
        { numRuns: 1500 },
      );
    }
  });

  test('outpoint key is stable and distinguishes index', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), (txid, index) => {
        const a = new OutPoint(txid, index);
        assert.equal(a.key(), new OutPoint(txid.slice(), index).key());
        assert.notEqual(a.key(), new OutPoint(txid, index + 1).key());
      }),
    );
  });
});
