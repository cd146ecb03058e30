import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutPoint, hexToHash } from '../../src/primitives/index.js';
import {
  blockIndexKey,
  coinKey,
  decodeBlock,
  decodeBlockIndex,
  decodeCoin,
  decodeHash,
  decodeMeta,
  decodeSchemaVersion,
  decodeUndo,
  describeKey,
  encodeBlockIndex,
  encodeCoin,
  encodeHash,
  encodeMeta,
  encodeUndo,
  heightFromKey,
  heightKey,
  META_KEY,
  outPointFromKey,
  StoreError,
  undoKey,
  blockKey,
  TIP_KEY,
} from '../../src/store/index.js';
import { ScratchCoinEncoder } from '../../src/store/scratch-coin-encoder.js';
import { block, coin, fakeHash, indexRecord, outpoint } from './helpers.js';

function assertCorrupt(fn: () => unknown, keyText: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError, got ${String(err)}`);
    assert.equal(err.code, 'corrupt');
    assert.ok(err.message.includes(keyText), `message ${err.message} should name ${keyText}`);
    return true;
  });
}

/** Every proper prefix of a value, plus the value with a trailing byte: all must be refused. */
function mangled(value: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let n = 0; n < value.length; n++) out.push(value.subarray(0, n));
  const longer = new Uint8Array(value.length + 1);
  longer.set(value);
  out.push(longer);
  return out;
}

describe('layout keys', () => {
  it('coin keys sort by txid then numeric index', () => {
    const txid = fakeHash(1);
    const keys = [0, 1, 255, 256, 65536, 0xffffffff].map((i) => coinKey(new OutPoint(txid, i)));
    for (let i = 1; i < keys.length; i++) assert.equal(Buffer.compare(keys[i - 1], keys[i]), -1);
    assert.equal(keys[0].length, 37);
    const back = outPointFromKey(keys[3]);
    assert.deepEqual(back.txid, txid);
    assert.equal(back.index, 256);
  });

  it('height keys sort numerically and round trip', () => {
    const keys = [0, 1, 255, 256, 1 << 24, 0xffffffff].map(heightKey);
    for (let i = 1; i < keys.length; i++) assert.equal(Buffer.compare(keys[i - 1], keys[i]), -1);
    assert.equal(heightFromKey(heightKey(70_000)), 70_000);
  });

  it('rejects bad key inputs as programming errors', () => {
    assert.throws(() => heightKey(-1), RangeError);
    assert.throws(() => heightKey(1.5), RangeError);
    assert.throws(() => blockKey(new Uint8Array(31)), RangeError);
    assert.throws(() => coinKey(new OutPoint(new Uint8Array(32), 2 ** 32)), RangeError);
  });

  it('describes keys readably', () => {
    const hash = hexToHash('00'.repeat(31) + 'ab');
    assert.equal(describeKey(blockIndexKey(hash)), `block index entry ${'00'.repeat(31)}ab`);
    assert.match(describeKey(coinKey(new OutPoint(hash, 7))), /^coin 0+ab:7$/);
    assert.equal(describeKey(heightKey(42)), 'height entry 42');
    assert.equal(describeKey(META_KEY), 'meta record');
  });
});

describe('layout values round trip', () => {
  it('meta', () => {
    const meta = { schemaVersion: 1, genesisHash: fakeHash(9), network: 'regtest-ü' };
    const value = encodeMeta(meta);
    assert.deepEqual(decodeMeta(META_KEY, value), meta);
    assert.equal(decodeSchemaVersion(META_KEY, value), 1);
  });

  it('block index entry, chainwork at its extremes', () => {
    for (const chainwork of [0n, 1n, (1n << 256n) - 1n, 0x0123456789abcdefn << 100n]) {
      const record = indexRecord(5, { chainwork });
      const key = blockIndexKey(record.hash);
      const value = encodeBlockIndex(record);
      assert.equal(value.length, 124);
      const back = decodeBlockIndex(key, value);
      assert.deepEqual(back.hash, record.hash);
      assert.deepEqual(back.header.encode(), record.header.encode());
      assert.deepEqual([back.height, back.chainwork, back.status, back.txCount], [record.height, chainwork, record.status, record.txCount]);
    }
    assert.throws(() => encodeBlockIndex(indexRecord(1, { chainwork: 1n << 256n })), RangeError);
    assert.throws(() => encodeBlockIndex(indexRecord(1, { status: 1 << 9 })), RangeError);
  });

  it('coin, with scripts needing 1-, 3- and 5-byte length prefixes', () => {
    for (const length of [0, 22, 252, 253, 0xffff, 0x10000]) {
      const c = coin(3, { script: new Uint8Array(length).fill(0x51), height: 0x7fffffff, value: (1n << 63n) - 1n });
      const key = coinKey(outpoint(3));
      assert.deepEqual(decodeCoin(key, encodeCoin(c)), c);
    }
    assert.deepEqual(decodeCoin(coinKey(outpoint(1)), encodeCoin(coin(14))), coin(14));
    // The value is 8 bytes little-endian on both sides of the safe-integer fast path.
    for (const value of [0n, 1n, 0xffff_ffffn, 1n << 32n, 2_100_000_000_000_000n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n]) {
      const encoded = encodeCoin(coin(2, { value, height: 5, coinbase: true }));
      const view = new DataView(encoded.buffer, encoded.byteOffset);
      assert.deepEqual([view.getUint32(0, true), view.getBigUint64(4, true)], [11, value], `value ${value}`);
      assert.equal(decodeCoin(coinKey(outpoint(2)), encoded).value, value);
    }
    assert.throws(() => encodeCoin(coin(1, { value: -1n })), RangeError);
    assert.throws(() => encodeCoin(coin(1, { height: 2 ** 31 })), RangeError);
  });

  it('coins encoded into reused buffers match their own encoding, small after large and large after small', () => {
    const encoder = new ScratchCoinEncoder();
    for (const [n, length] of [[1, 22], [2, 0x10000], [3, 0], [4, 300], [5, 34]] as const) {
      const c = coin(n, { script: new Uint8Array(length).fill(n), value: BigInt(n) << 40n });
      assert.deepEqual(encoder.key(outpoint(n, n)), coinKey(outpoint(n, n)));
      assert.deepEqual(encoder.value(c), encodeCoin(c), `coin ${n}, a ${length}-byte script`);
    }
  });

  it('undo data, empty and with coins', () => {
    const key = undoKey(fakeHash(1));
    assert.deepEqual(decodeUndo(key, encodeUndo([])), []);
    // Each coin is written at its offset in one buffer: amounts past 2^53 (the DataView path) too.
    const coins = [coin(1), coin(7, { value: 2n ** 60n + 3n, height: 9, coinbase: true }), coin(300, { script: new Uint8Array(300).fill(7) }), coin(2, { value: 2n ** 32n + 1n })];
    assert.deepEqual(decodeUndo(key, encodeUndo(coins)), coins);
  });

  it('hash values and blocks', () => {
    assert.deepEqual(decodeHash(TIP_KEY, encodeHash(fakeHash(4))), fakeHash(4));
    const b = block(3);
    assert.deepEqual(decodeBlock(blockKey(b.hashBytes()), b.encode()).encode(), b.encode());
  });
});

describe('layout decoders refuse damaged values as corrupt, naming the key', () => {
  it('truncated or extended values of every kind', () => {
    const record = indexRecord(2);
    const cases: Array<[Uint8Array, Uint8Array, (k: Uint8Array, v: Uint8Array) => unknown, string]> = [
      [META_KEY, encodeMeta({ schemaVersion: 1, genesisHash: fakeHash(1), network: 'x' }), decodeMeta, 'meta record'],
      [blockIndexKey(record.hash), encodeBlockIndex(record), decodeBlockIndex, 'block index entry'],
      [coinKey(outpoint(5, 3)), encodeCoin(coin(5)), decodeCoin, ':3'],
      [undoKey(fakeHash(2)), encodeUndo([coin(1), coin(2)]), decodeUndo, 'undo data'],
      [heightKey(9), encodeHash(fakeHash(9)), decodeHash, 'height entry 9'],
      [blockKey(fakeHash(3)), block(3).encode(), decodeBlock, 'block body'],
    ];
    for (const [key, value, decode, name] of cases) {
      for (const bad of mangled(value)) assertCorrupt(() => decode(key, bad), name);
    }
  });

  it('garbage inside well-sized values', () => {
    const record = indexRecord(2);
    const index = encodeBlockIndex(record);
    index[84] = 0x80; // an unknown status bit
    assertCorrupt(() => decodeBlockIndex(blockIndexKey(record.hash), index), 'unknown status');

    const value = encodeCoin(coin(1));
    value[11] = 0x80; // amount above int64
    assertCorrupt(() => decodeCoin(coinKey(outpoint(1)), value), 'int64');

    const meta = encodeMeta({ schemaVersion: 1, genesisHash: fakeHash(1), network: 'ab' });
    meta[meta.length - 1] = 0xff; // not UTF-8
    assertCorrupt(() => decodeMeta(META_KEY, meta), 'meta record');

    const undo = Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff); // claims 4 billion coins
    assertCorrupt(() => decodeUndo(undoKey(fakeHash(1)), undo), 'undo data');
  });

  it('malformed keys', () => {
    assertCorrupt(() => decodeBlockIndex(Uint8Array.of(0x69, 1, 2), encodeBlockIndex(indexRecord(1))), 'block index key');
    assertCorrupt(() => outPointFromKey(Uint8Array.of(0x63, 1)), 'coin key');
  });
});
