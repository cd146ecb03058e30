import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter, type Coin, hashToHex, type OutPoint, sha256d, toHex } from '../../src/primitives/index.js';
import { ChainStore, type UtxoStats } from '../../src/store/index.js';
import { coin, fakeHash, outpoint, testParams, withTempDir } from './helpers.js';

const params = testParams();

/** Core's TxOutSer stream over a set, written independently of the store's code. */
function expectedHash(set: Array<[OutPoint, Coin]>): string {
  const sorted = [...set].sort(([a], [b]) => Buffer.compare(a.txid, b.txid) || a.index - b.index);
  const w = new ByteWriter();
  for (const [op, c] of sorted) {
    w.bytes(op.txid).u32(op.index).u32(c.height * 2 + (c.coinbase ? 1 : 0)).i64(c.value).varBytes(c.script);
  }
  return hashToHex(sha256d(w.finish()));
}

function knownSet(): Array<[OutPoint, Coin]> {
  const set: Array<[OutPoint, Coin]> = [];
  for (let tx = 0; tx < 40; tx++) {
    for (const index of [0, 1, 300]) set.push([outpoint(tx, index), coin(tx * 10 + index, { coinbase: tx % 4 === 0 })]);
  }
  return set;
}

async function statsAfter(dir: string, set: Array<[OutPoint, Coin]>): Promise<UtxoStats> {
  const store = await ChainStore.open(dir, params);
  try {
    const batch = store.batch();
    for (const [op, c] of set) batch.addCoin(op, c);
    await batch.write();
    return await store.utxoStats();
  } finally {
    await store.close();
  }
}

describe('utxoStats', () => {
  it('an empty set hashes to sha256d of nothing, as in Core', async () => {
    await withTempDir(async (dir) => {
      const stats = await statsAfter(dir, []);
      assert.equal(stats.count, 0);
      assert.equal(stats.totalAmount, 0n);
      assert.equal(toHex(stats.hash), '5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
      assert.equal(stats.tip, undefined);
    });
  });

  it('counts, sums and hashes a known set exactly', async () => {
    await withTempDir(async (dir) => {
      const set = knownSet();
      const stats = await statsAfter(dir, set);
      assert.equal(stats.count, 120);
      assert.equal(stats.transactions, 40);
      assert.equal(stats.totalAmount, set.reduce((sum, [, c]) => sum + c.value, 0n));
      assert.equal(stats.bogoSize, 120 * (50 + 22));
      assert.equal(stats.bytes, 120 * (37 + 12 + 1 + 22));
      assert.equal(hashToHex(stats.hash), expectedHash(set));
    });
  });

  it('the hash changes when any one field of any coin changes, or a coin comes or goes', async () => {
    const base = knownSet();
    const variants: Array<Array<[OutPoint, Coin]>> = [
      base.map(([op, c], i) => [op, i === 57 ? { ...c, value: c.value + 1n } : c]),
      base.map(([op, c], i) => [op, i === 3 ? { ...c, height: c.height + 1 } : c]),
      base.map(([op, c], i) => [op, i === 90 ? { ...c, coinbase: !c.coinbase } : c]),
      base.map(([op, c], i) => [op, i === 119 ? { ...c, script: Uint8Array.of(...c.script.subarray(0, 21), 0) } : c]),
      base.slice(1),
      [...base, [outpoint(1000), coin(1)]],
    ];
    const hashes = new Set<string>();
    await withTempDir(async (dir) => hashes.add(hashToHex((await statsAfter(dir, base)).hash)));
    for (const set of variants) {
      await withTempDir(async (dir) => {
        const stats = await statsAfter(dir, set);
        assert.equal(hashToHex(stats.hash), expectedHash(set));
        hashes.add(hashToHex(stats.hash));
      });
    }
    assert.equal(hashes.size, variants.length + 1);
  });

  it('reports the tip of the same snapshot', async () => {
    await withTempDir(async (dir) => {
      const store = await ChainStore.open(dir, params);
      try {
        await store.batch().addCoin(outpoint(1), coin(1)).setTip(fakeHash(1)).write();
        const pending = store.utxoStats();
        await store.batch().addCoin(outpoint(2), coin(2)).setTip(fakeHash(2)).write();
        const stats = await pending;
        // Either the state before the second batch or after it, never a mix.
        const consistent =
          (stats.count === 1 && hashToHex(stats.tip!) === hashToHex(fakeHash(1))) ||
          (stats.count === 2 && hashToHex(stats.tip!) === hashToHex(fakeHash(2)));
        assert.ok(consistent, `count ${stats.count} with tip ${hashToHex(stats.tip!)}`);
      } finally {
        await store.close();
      }
    });
  });
});
