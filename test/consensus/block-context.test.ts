import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBlock } from '../../src/consensus/block-checks.js';
import {
  checkBlockContext,
  encodeCoinbaseHeight,
  isFinalTx,
  LOCKTIME_THRESHOLD,
  type BlockContext,
} from '../../src/consensus/block-context.js';
import { Block } from '../../src/primitives/block.js';
import { bytesEqual, fromHex, toHex } from '../../src/primitives/bytes.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { bitcoin, networks } from '../../src/params/index.js';
import { assembleBlock, buildBlock, buildCoinbase, buildTx, extendChain, genesisBlock, payTo } from '../helpers/builders.js';
import { assertRule } from '../helpers/rules.js';
import { vectorFile, vectors } from '../helpers/vectors.js';

const regtest = networks.regtest;
const genesis = genesisBlock(regtest);
const HEIGHT = 1;
const context: BlockContext = { height: HEIGHT, medianTimePast: genesis.header.time };

function spend(n: number, fields: { locktime?: number; sequence?: number; script?: Uint8Array } = {}): Transaction {
  return buildTx({
    inputs: [{ prevout: new OutPoint(new Uint8Array(32).fill(n), 0), sequence: fields.sequence }],
    outputs: [{ value: 1000n, script: fields.script ?? payTo(n) }],
    locktime: fields.locktime,
  });
}

function blockOf(txs: Transaction[], params = regtest, height = HEIGHT): Block {
  return buildBlock({ params, parent: genesis, height, txs });
}

/** Rebuilds the block around a replacement coinbase (merkle root recomputed, PoW not needed here). */
function withCoinbase(block: Block, coinbase: Transaction): Block {
  return assembleBlock({ prevHash: block.header.prevHash, time: block.header.time, bits: block.header.bits }, [coinbase, ...block.txs.slice(1)]);
}

function withCoinbaseInput(block: Block, changes: Partial<Transaction['inputs'][0]>): Block {
  const coinbase = block.txs[0];
  return withCoinbase(block, new Transaction({ ...coinbase, inputs: [{ ...coinbase.inputs[0], ...changes }] }));
}

describe('checkBlockContext on built regtest blocks', () => {
  test('a valid block with witness spends and a commitment passes', () => {
    const block = blockOf([spend(1), spend(2)]);
    assert.ok(block.witnessCommitment());
    checkBlockContext(block, context, regtest);
  });

  test('isFinalTx: locktime 0, passed height or time locks, or all sequences final', () => {
    assert.ok(isFinalTx(spend(1, { locktime: 0, sequence: 0 }), 10, 1000));
    assert.ok(isFinalTx(spend(1, { locktime: 9, sequence: 0 }), 10, 1000));
    assert.ok(!isFinalTx(spend(1, { locktime: 10, sequence: 0 }), 10, 1000));
    assert.ok(isFinalTx(spend(1, { locktime: 10 }), 10, 1000)); // sequence final
    const t = LOCKTIME_THRESHOLD + 1000;
    assert.ok(isFinalTx(spend(1, { locktime: t - 1, sequence: 0 }), 10, t));
    assert.ok(!isFinalTx(spend(1, { locktime: t, sequence: 0 }), 10, t));
  });

  test('bad-txns-nonfinal: height lock not yet passed', () => {
    assertRule(() => checkBlockContext(blockOf([spend(1, { locktime: HEIGHT, sequence: 0 })]), context, regtest), 'bad-txns-nonfinal');
    checkBlockContext(blockOf([spend(1, { locktime: HEIGHT - 1, sequence: 0 })]), context, regtest);
  });

  test('bad-txns-nonfinal: time locks compare with the parent\'s median time past, not the block time (BIP113)', () => {
    const mtp = context.medianTimePast;
    const block = blockOf([spend(1, { locktime: mtp, sequence: 0 })]);
    assert.ok(block.header.time > mtp); // would be final against the block's own time
    assertRule(() => checkBlockContext(block, context, regtest), 'bad-txns-nonfinal');
    checkBlockContext(blockOf([spend(1, { locktime: mtp - 1, sequence: 0 })]), context, regtest);
  });

  test('encodeCoinbaseHeight is Core\'s CScript() << nHeight', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [1, '51'],
      [16, '60'],
      [17, '0111'],
      [127, '017f'],
      [128, '028000'],
      [255, '02ff00'],
      [256, '020001'],
      [32767, '02ff7f'],
      [32768, '03008000'],
      [227_931, '035b7a03'],
      [830_000, '0330aa0c'],
      [8_388_608, '0400008000'],
      [2_147_483_647, '04ffffff7f'],
    ];
    for (const [height, hex] of cases) assert.equal(toHex(encodeCoinbaseHeight(height)), hex, `height ${height}`);
    assert.throws(() => encodeCoinbaseHeight(-1), RangeError);
  });

  test('bad-cb-height: the scriptSig must start with the height push', () => {
    const block = blockOf([]);
    const wrong = withCoinbaseInput(block, { scriptSig: fromHex('52' + '0400000000') }); // height 2
    assertRule(() => checkBlockContext(wrong, context, regtest), 'bad-cb-height');
    // Height 17 as OP_16 OP_1 or a non-minimal push is not Core's encoding.
    const at17 = blockOf([], regtest, 17);
    const nonMinimal = withCoinbaseInput(at17, { scriptSig: fromHex('021100' + '00') });
    assertRule(() => checkBlockContext(nonMinimal, { ...context, height: 17 }, regtest), 'bad-cb-height');
    checkBlockContext(at17, { ...context, height: 17 }, regtest);
  });

  test('bad-cb-height is not enforced below bip34Height', () => {
    const params = { ...regtest, bip34Height: 100 };
    const block = withCoinbaseInput(blockOf([]), { scriptSig: fromHex('52' + '0400000000') });
    checkBlockContext(block, context, params);
  });

  test('bad-witness-nonce-size: the coinbase witness must be one 32-byte item (corruption possible)', () => {
    const block = blockOf([spend(1)]);
    for (const witness of [[], [new Uint8Array(31)], [new Uint8Array(32), new Uint8Array(0)]]) {
      assertRule(() => checkBlockContext(withCoinbaseInput(block, { witness }), context, regtest), 'bad-witness-nonce-size', true);
    }
  });

  test('bad-witness-merkle-match: a changed witness keeps the txid but breaks the commitment (corruption possible)', () => {
    const block = blockOf([spend(1), spend(2)]);
    const tx = block.txs[2];
    const altered = new Transaction({ ...tx, inputs: [{ ...tx.inputs[0], witness: [Uint8Array.of(1), Uint8Array.of(2)] }] });
    assert.equal(altered.txid(), tx.txid());
    const relayed = new Block(block.header, [block.txs[0], block.txs[1], altered]);
    assertRule(() => checkBlockContext(relayed, context, regtest), 'bad-witness-merkle-match', true);
    // A different reserved value changes the expected commitment too.
    assertRule(() => checkBlockContext(withCoinbaseInput(block, { witness: [new Uint8Array(32).fill(1)] }), context, regtest), 'bad-witness-merkle-match', true);
  });

  test('unexpected-witness: witness data without a commitment (corruption possible)', () => {
    const tx = spend(1);
    const coinbase = buildCoinbase({ height: HEIGHT, value: 1n });
    const block = assembleBlock({ prevHash: genesis.hashBytes(), time: genesis.header.time + 600, bits: genesis.header.bits }, [coinbase, tx]);
    assertRule(() => checkBlockContext(block, context, regtest), 'unexpected-witness', true);
    // Without witness data, a block needs no commitment.
    const bare = new Transaction({ ...tx, inputs: [{ ...tx.inputs[0], witness: [] }] });
    checkBlockContext(assembleBlock({ prevHash: genesis.hashBytes(), time: genesis.header.time + 600, bits: genesis.header.bits }, [coinbase, bare]), context, regtest);
  });

  test('unexpected-witness: before segwitHeight even a committed witness is refused', () => {
    const params = { ...regtest, segwitHeight: 100 };
    const block = buildBlock({ params, parent: genesis, height: HEIGHT, txs: [spend(1)], witnessCommitment: true });
    assertRule(() => checkBlockContext(block, context, params), 'unexpected-witness', true);
  });

  test('bad-blk-weight: a large committed witness pushes the weight over 4,000,000', () => {
    const heavy = buildTx({
      inputs: [{ prevout: new OutPoint(new Uint8Array(32).fill(1), 0), witness: [new Uint8Array(3_999_000)] }],
      outputs: [{ value: 1n, script: payTo(1) }],
    });
    const block = blockOf([heavy]);
    assert.ok(block.strippedSize() * 4 < regtest.maxBlockWeight && block.weight() > regtest.maxBlockWeight);
    assertRule(() => checkBlockContext(block, context, regtest), 'bad-blk-weight');
  });

  test('bad-txns-output-script when p2wpkhOnly, in any tx including the coinbase', () => {
    const p2pkh = fromHex('76a914' + '00'.repeat(20) + '88ac');
    const block = blockOf([spend(1, { script: p2pkh })]);
    assertRule(() => checkBlockContext(block, context, regtest), 'bad-txns-output-script');
    checkBlockContext(block, context, { ...regtest, p2wpkhOnly: false });
    const coinbasePaysP2pkh = buildBlock({ params: regtest, parent: genesis, height: HEIGHT, payoutScript: p2pkh });
    assertRule(() => checkBlockContext(coinbasePaysP2pkh, context, regtest), 'bad-txns-output-script');
    checkBlockContext(blockOf([spend(1, { script: Uint8Array.of(0x6a, 0x01, 0x07) })]), context, regtest); // OP_RETURN data is fine
  });
});

describe('checkBlockContext on real Bitcoin segwit blocks', () => {
  /** Median of the 11 headers before 830000, from the real header file (heights 822528..830592). */
  function mtpBefore830000(): number {
    const headers = vectorFile('headers_mainnet_822528-830592.bin');
    const at = (height: number) => BlockHeader.decode(headers.subarray((height - 822_528) * 80, (height - 822_527) * 80));
    const times = Array.from({ length: 11 }, (_, i) => at(829_989 + i).time).sort((a, b) => a - b);
    return times[5];
  }

  test('830000 passes with its real height and parent median time past', () => {
    const block = Block.decode(vectorFile('block_mainnet_830000.bin'));
    const headers = vectorFile('headers_mainnet_822528-830592.bin');
    const parent = BlockHeader.decode(headers.subarray((829_999 - 822_528) * 80, (830_000 - 822_528) * 80));
    assert.ok(bytesEqual(parent.hashBytes(), block.header.prevHash));
    checkBlockContext(block, { height: 830_000, medianTimePast: mtpBefore830000() }, bitcoin);
  });

  for (const name of ['mainnet_block_542213', 'mainnet_block_482683'] as const) {
    test(`${name} passes the witness commitment, BIP34 and weight checks with its real height`, () => {
      const vector = vectors.segwit[name];
      const block = Block.decode(fromHex(vector.raw_block_hex));
      // We do not hold these parents' headers, so their true median time past is unknown. It only
      // matters for time-based lock times, and these blocks have none (asserted), so any cutoff
      // gives the same verdict; block time - 1 hour is a typical MTP.
      assert.ok(block.txs.every((tx) => tx.locktime < LOCKTIME_THRESHOLD));
      const ctx = { height: vector.height as number, medianTimePast: block.header.time - 3600 };
      checkBlockContext(block, ctx, bitcoin);
      // The same block one height off fails BIP34.
      assertRule(() => checkBlockContext(block, { ...ctx, height: ctx.height + 1 }, bitcoin), 'bad-cb-height');
      // And before segwit activation its witnesses are unexpected.
      assertRule(() => checkBlockContext(block, ctx, { ...bitcoin, segwitHeight: ctx.height + 1 }), 'unexpected-witness');
    });
  }
});

describe('builders lay down valid chains', () => {
  test('extendChain: every block passes checkBlock and checkBlockContext; tagged forks differ', () => {
    const chain = extendChain({ params: regtest, parent: genesis, parentHeight: 0, count: 20 });
    const times = [genesis.header.time];
    chain.forEach((block, i) => {
      assert.ok(bytesEqual(block.header.prevHash, (i === 0 ? genesis : chain[i - 1]).hashBytes()));
      const medianTimePast = [...times.slice(-11)].sort((x, y) => x - y)[Math.floor(Math.min(times.length, 11) / 2)];
      checkBlock(block, regtest);
      checkBlockContext(block, { height: i + 1, medianTimePast }, regtest);
      times.push(block.header.time);
    });
    const fork = extendChain({ params: regtest, parent: chain[9], parentHeight: 10, count: 3, tag: 1 });
    assert.notEqual(fork[0].hash(), chain[10].hash());
    assert.ok(bytesEqual(fork[0].header.prevHash, chain[9].hashBytes()));
  });
});
