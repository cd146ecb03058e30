/**
 * Compact blocks without the network: SipHash-2-4 and BIP152 short ids against published
 * vectors and an independent BigInt implementation, the wire codec, and the rebuild (exactly the
 * same block from a pool, missing txs by position, collisions and wrong matches detected).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { blockTxCount, decodeBlockTxn, decodeBlockTxnRequest, decodeCompact, encodeBlockTxn, encodeBlockTxnRequest, encodeCompact, toCompact, compactKey } from '../../src/p2p/compact/codec.js';
import { PartialBlock, txPool } from '../../src/p2p/compact/rebuild.js';
import { sipHash24, sipKey } from '../../src/primitives/siphash.js';
import { shortId, shortIds } from '../../src/p2p/compact/short-id.js';
import { SipKernel } from '../../src/primitives/wasm/siphash-kernel.js';
import { DecodeError } from '../../src/primitives/errors.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { type Block, Transaction } from '../../src/primitives/index.js';
import { coinbaseOutpoint } from '../helpers/chain-harness.js';
import { messageIdString, topicsFor } from '../../src/p2p/topics.js';
import { key, params, payingBranch } from './helpers.js';
import { referenceSipHash } from '../helpers/siphash-reference.js';

const asBigInt = ([hi, lo]: [number, number]) => (BigInt(hi) << 32n) | BigInt(lo);

describe('SipHash-2-4 and short ids', () => {
  const refKey = Uint8Array.from({ length: 16 }, (_, i) => i);
  const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);

  test("the reference paper's vectors (key 00..0f, message 00..n-1)", () => {
    const vectors: Array<[number, bigint]> = [
      [0, 0x726fdb47dd0e0e31n],
      [1, 0x74f839c593dc67fdn],
      [15, 0xa129ca6149be45e5n],
      [32, 0x7127512f72f27ccen],
      [63, 0x958a324ceb064572n],
    ];
    for (const [n, want] of vectors) assert.equal(asBigInt(sipHash24(sipKey(refKey), counting(n))), want, `length ${n}`);
  });

  test('agrees with a plain BigInt implementation on random keys and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 80 }), (k, data) => {
        assert.equal(asBigInt(sipHash24(sipKey(k), data)), referenceSipHash(k, data));
      }),
      { numRuns: 300 },
    );
  });

  test('a short id is the low 48 bits of the SipHash of the wtxid', () => {
    const k = sipKey(refKey);
    const wtxid = counting(32);
    assert.equal(BigInt(shortId(k, wtxid)), 0x7127512f72f27ccen & 0xffffffffffffn);
    assert.deepEqual(shortIds(k, [wtxid]).map(BigInt), [0x7127512f72f27ccen & 0xffffffffffffn]);
  });

  test('the WebAssembly kernel gives the reference short id of every wtxid of a batch, batch after batch', { skip: SipKernel.create() ? false : 'no WebAssembly here' }, () => {
    const kernel = SipKernel.create()!;
    const low48 = 0xffffffffffffn;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 40 }), (k, wtxids) => {
        assert.deepEqual(kernel.low48(sipKey(k), wtxids).map(BigInt), wtxids.map((wtxid) => referenceSipHash(k, wtxid) & low48));
      }),
      { numRuns: 100 },
    );
    // A batch larger than the kernel's first page of memory.
    const k = sipKey(refKey);
    const many = Array.from({ length: 3_000 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j) & 0xff));
    assert.deepEqual(kernel.low48(k, many), many.map((wtxid) => shortId(k, wtxid)));
    assert.throws(() => kernel.low48(k, [counting(31)]), RangeError);
  });
});

/** A block of `n` segwit payments (plus their funding fan-out tx), as the p2p tests build them. */
function paymentsBlock(n: number, tag: number): { block: Block; txs: Transaction[] } {
  const branch = payingBranch(tag);
  const [funding] = branch.extend(1);
  const value = funding.txs[0].outputs[0].value;
  const each = (value - 10_000n) / BigInt(n);
  const fan = key.spend([{ outpoint: coinbaseOutpoint(funding), value }], Array.from({ length: n }, () => ({ value: each, script: key.script })));
  const payments = fan.outputs.map((output, i) => key.spend([{ outpoint: new OutPoint(fan.txidBytes(), i), value: output.value }], [{ value: output.value - 1_000n, script: key.script }]));
  const txs = [fan, ...payments];
  return { block: branch.next({ txs, fees: 10_000n + 1_000n * BigInt(n) }), txs };
}

describe('compact block codec', () => {
  const { block } = paymentsBlock(20, 31);

  test('round trip: header, nonce, short ids, prefilled txs at their positions', () => {
    const compact = toCompact(block, (_tx, index) => index === 5 || index === 6 || index === 20);
    assert.deepEqual(compact.prefilled.map((p) => p.index), [0, 5, 6, 20]);
    assert.equal(blockTxCount(compact), block.txs.length);
    const bytes = encodeCompact(compact);
    const back = decodeCompact(bytes);
    assert.equal(back.header.hash(), block.hash());
    assert.deepEqual(back.nonce, compact.nonce);
    assert.deepEqual(back.shortIds, compact.shortIds);
    assert.deepEqual(back.prefilled.map((p) => [p.index, p.tx.wtxid()]), compact.prefilled.map((p) => [p.index, p.tx.wtxid()]));
    assert.deepEqual(encodeCompact(back), bytes);
    // 80 + 8 + count + 6 per short id + the prefilled coinbase and txs: a small fraction of the block.
    assert.ok(encodeCompact(toCompact(block)).length < block.size() / 4);
  });

  test('short ids use all 48 bits and survive the wire', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { minLength: 1, maxLength: 50 }), (ids) => {
        const compact = { header: block.header, nonce: new Uint8Array(8), shortIds: ids, prefilled: [] };
        assert.deepEqual(decodeCompact(encodeCompact(compact)).shortIds, ids);
      }),
    );
  });

  test('malformed messages are DecodeErrors: truncated, trailing bytes, a prefilled index past the block, no txs', () => {
    const bytes = encodeCompact(toCompact(block));
    assert.throws(() => decodeCompact(bytes.subarray(0, bytes.length - 1)), DecodeError);
    assert.throws(() => decodeCompact(Uint8Array.of(...bytes, 0)), DecodeError);
    const beyond = encodeCompact({ header: block.header, nonce: new Uint8Array(8), shortIds: [1], prefilled: [{ index: 2, tx: block.txs[0] }] });
    assert.throws(() => decodeCompact(beyond), DecodeError);
    assert.throws(() => decodeCompact(encodeCompact({ header: block.header, nonce: new Uint8Array(8), shortIds: [], prefilled: [] })), DecodeError);
  });

  test('the gossip id covers the whole message: a forged copy under the same header is another message', () => {
    const compact = toCompact(block);
    const bytes = encodeCompact(compact);
    const topics = topicsFor(params);
    const id = messageIdString(topics, topics.compact, bytes);
    assert.match(id, /^cmp:[0-9a-f]{64}$/);
    assert.notEqual(id, messageIdString(topics, topics.block, bytes), 'domain-separated from block ids');
    const forged = encodeCompact({ ...compact, shortIds: compact.shortIds.map((sid) => sid ^ 1) });
    assert.deepEqual(forged.subarray(0, 88), bytes.subarray(0, 88), 'same header and nonce');
    assert.notEqual(messageIdString(topics, topics.compact, forged), id);
  });

  test('blocktxn request and reply round trip', () => {
    const request = { hash: block.hash(), indexes: [1, 2, 7, 300, 301] };
    assert.deepEqual(decodeBlockTxnRequest(encodeBlockTxnRequest(request)), request);
    const reply = decodeBlockTxn(encodeBlockTxn({ hash: block.hash(), txs: block.txs.slice(1, 4) }));
    assert.equal(reply.hash, block.hash());
    assert.deepEqual(reply.txs.map((tx) => tx.wtxid()), block.txs.slice(1, 4).map((tx) => tx.wtxid()));
  });
});

describe('rebuilding a block from a compact block', () => {
  const { block, txs } = paymentsBlock(60, 32);
  const decoys = paymentsBlock(30, 33).txs;

  test('from a pool holding every tx (among others): exactly the same block', () => {
    const compact = decodeCompact(encodeCompact(toCompact(block)));
    const pool = [...decoys, ...[...txs].reverse()];
    const partial = PartialBlock.init(compact, [txPool(pool)]);
    assert.ok(partial instanceof PartialBlock);
    assert.deepEqual(partial.missing(), []);
    const rebuilt = partial.fill([]);
    assert.ok(typeof rebuilt !== 'string', String(rebuilt));
    assert.equal(rebuilt.hash(), block.hash());
    assert.deepEqual(rebuilt.computeWitnessMerkleRoot().root, block.computeWitnessMerkleRoot().root);
    assert.deepEqual(rebuilt.encode(), block.encode());
  });

  test("from a pool of thousands, hashed in batches: the block's txs found on either side of a batch boundary", () => {
    const filler = Array.from({ length: 2_100 }, (_, i) => new Transaction({
      version: 2,
      inputs: [{ prevout: new OutPoint(Uint8Array.from({ length: 32 }, (_, j) => (i + j) & 0xff), i), scriptSig: new Uint8Array(0), sequence: 0xffffffff, witness: [] }],
      outputs: [{ value: BigInt(i + 1), script: key.script }],
      locktime: 0,
    }));
    // The block's txs spread over the pool: at the first batch's end, the second's start, and last.
    const pool: Transaction[] = [...filler];
    pool.splice(1_023, 0, ...txs.slice(0, 2));
    pool.splice(1_026, 0, ...txs.slice(2, 30));
    pool.push(...txs.slice(30));
    const partial = PartialBlock.init(toCompact(block), [txPool(pool)]);
    assert.ok(partial instanceof PartialBlock);
    assert.deepEqual(partial.missing(), []);
    const rebuilt = partial.fill([]);
    assert.ok(typeof rebuilt !== 'string', String(rebuilt));
    assert.deepEqual(rebuilt.encode(), block.encode());
  });

  test('a pool that answers every short id: the next pool is never walked', () => {
    let walked = 0;
    const next = (visit: (tx: Transaction) => boolean) => {
      walked++;
      for (const tx of decoys) if (visit(tx)) return;
    };
    const partial = PartialBlock.init(toCompact(block), [txPool(txs), next]);
    assert.ok(partial instanceof PartialBlock);
    assert.deepEqual(partial.missing(), []);
    assert.equal(walked, 0);
    // Lacking one tx, the next pool is walked (and cannot supply it).
    const lacking = PartialBlock.init(toCompact(block), [txPool(txs.slice(1)), next]) as PartialBlock;
    assert.equal(walked, 1);
    assert.deepEqual(lacking.missing(), [1]);
  });

  test('missing txs are named by position; filled in, the block is the same', () => {
    const compact = toCompact(block);
    const lacking = new Set([3, 17, 40]);
    const pool = txs.filter((_, i) => !lacking.has(i + 1));
    const partial = PartialBlock.init(compact, [txPool(pool), txPool(decoys)]) as PartialBlock;
    assert.deepEqual(partial.missing(), [3, 17, 40]);
    assert.equal(partial.fill([block.txs[3]]), 'wrong-tx-count');
    const rebuilt = partial.fill([3, 17, 40].map((i) => block.txs[i]));
    assert.ok(typeof rebuilt !== 'string');
    assert.deepEqual(rebuilt.encode(), block.encode());
  });

  test('two equal short ids in the message: a collision, the whole block is needed', () => {
    const compact = toCompact(block);
    compact.shortIds[10] = compact.shortIds[4];
    assert.equal(PartialBlock.init(compact, [txPool(txs)]), 'short-id-collision');
  });

  test('a short id matching the wrong tx of ours: the filled block fails the merkle check', () => {
    const compact = toCompact(block);
    // As if a decoy of ours collided with the block's tx at position 9.
    compact.shortIds[8] = shortId(compactKey(compact), decoys[0].wtxidBytes());
    const partial = PartialBlock.init(compact, [txPool(decoys), txPool(txs)]) as PartialBlock;
    assert.deepEqual(partial.missing(), []);
    assert.equal(partial.fill([]), 'merkle-mismatch');
  });

  test('a changed witness is caught by the commitment though the txids (and merkle root) match', () => {
    const compact = toCompact(block);
    const victim = txs[5];
    const altered = new (victim.constructor as typeof Transaction)({ ...victim, inputs: victim.inputs.map((input) => ({ ...input, witness: [new Uint8Array(72), input.witness[1]] })) });
    assert.equal(altered.txid(), victim.txid());
    const partial = PartialBlock.init(compact, [txPool(txs)]) as PartialBlock;
    const position = block.txs.indexOf(victim);
    compact.shortIds[position - 1] = shortId(compactKey(compact), altered.wtxidBytes());
    const forged = PartialBlock.init(compact, [txPool([...txs, altered])]) as PartialBlock;
    assert.deepEqual(partial.missing(), []);
    assert.equal(forged.fill([]), 'merkle-mismatch');
  });
});
