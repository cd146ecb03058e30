import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBlock } from '../../src/consensus/block-checks.js';
import { checkBlockContext, encodeCoinbaseHeight } from '../../src/consensus/block-context.js';
import { signTransaction } from '../../src/consensus/p2wpkh.js';
import { blockSubsidy } from '../../src/consensus/subsidy.js';
import { firstLeafBranch, rootFromBranch } from '../../src/miner/merkle-branch.js';
import { selectPackages } from '../../src/miner/package-selection.js';
import { COINBASE_RESERVED_WEIGHT, TEMPLATE_BLOCK_VERSION, type BlockTemplate, buildBlockTemplate, type TemplateInput } from '../../src/miner/template.js';
import { Block, OutPoint, Transaction, bytesEqual, computeMerkleRoot, sha256 } from '../../src/primitives/index.js';
import { InProcessSearcher } from '../helpers/in-process-searcher.js';
import { ListTemplateSource } from '../helpers/list-source.js';
import { type FundedChain, fundedChain, spendWithFee } from '../helpers/miner-fixtures.js';

function templateFor(f: FundedChain, source: ListTemplateSource, extra: Partial<TemplateInput> = {}): BlockTemplate {
  const { chain } = f.h;
  return buildBlockTemplate({
    tip: chain.tip,
    bits: chain.nextBits(),
    medianTimePast: chain.medianTimePast(),
    params: chain.params,
    payoutScript: f.key.script,
    extraNonce: 1,
    now: 0,
    source,
    ...extra,
  });
}

/** Solves the template with a real double-SHA256 search. */
async function solve(template: BlockTemplate): Promise<Block> {
  const result = await new InProcessSearcher().mine({ header: template.headerBytes(), target: template.target });
  assert.ok('nonce' in result, 'regtest target is solved within a few tries');
  return template.withNonce(result.nonce);
}

function assertValid(f: FundedChain, block: Block, checkPow = true): void {
  const { chain } = f.h;
  checkBlock(block, chain.params, { checkPow });
  checkBlockContext(block, { height: chain.tip.height + 1, medianTimePast: chain.medianTimePast() }, chain.params);
}

/** Spends coin 27 with a height lock time and a non-final sequence, so the lock applies. */
function lockedSpend(f: FundedChain, locktime: number): Transaction {
  const coin = f.coins[27];
  const unsigned = new Transaction({
    version: 2,
    inputs: [{ prevout: coin.outpoint, scriptSig: new Uint8Array(0), sequence: 0xfffffffe, witness: [] }],
    outputs: [{ value: coin.value - 1_000n, script: f.key.script }],
    locktime,
  });
  return signTransaction(unsigned, [{ privateKey: f.key.privateKey, value: coin.value }]);
}

function txids(template: BlockTemplate): string[] {
  return template.block.txs.slice(1).map((tx) => tx.txid());
}

describe('block template', () => {
  let f: FundedChain;
  before(async () => {
    f = await fundedChain(40);
  });
  after(async () => f.h.close());

  test('an empty source gives a valid coinbase-only block paying the subsidy', () => {
    const template = templateFor(f, new ListTemplateSource());
    const height = f.h.chain.tip.height + 1;
    assert.equal(template.height, height);
    assert.equal(template.fees, 0n);
    assert.equal(template.coinbaseValue, blockSubsidy(height, f.h.params));
    assert.equal(template.block.txs.length, 1);
    assertValid(f, template.block, false);
  });

  test('coinbase: subsidy + fees exactly, BIP34 height, extranonce, tag, commitment, reserved value', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    const fees = [1000n, 2500n, 777n];
    fees.forEach((fee, i) => source.add(spendWithFee(f.key, f.coins[i], fee).tx));
    const tag = new TextEncoder().encode('/powcoin-test/');
    const template = templateFor(f, source, { coinbaseTag: tag, extraNonce: 0x0102030405060708n });
    const height = template.height;
    assert.equal(template.fees, 4277n);
    assert.equal(template.coinbaseValue, blockSubsidy(height, f.h.params) + 4277n);
    const coinbase = template.block.txs[0];
    assert.equal(coinbase.outputs[0].value, template.coinbaseValue);
    assert.ok(bytesEqual(coinbase.outputs[0].script, f.key.script));
    const scriptSig = coinbase.inputs[0].scriptSig;
    const heightPush = encodeCoinbaseHeight(height);
    assert.ok(bytesEqual(scriptSig.subarray(0, heightPush.length), heightPush));
    assert.deepEqual([...scriptSig.subarray(heightPush.length, heightPush.length + 9)], [8, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.ok(bytesEqual(scriptSig.subarray(heightPush.length + 10), tag));
    assert.ok(scriptSig.length >= 2 && scriptSig.length <= 100);
    assert.equal(coinbase.inputs[0].sequence, 0xffffffff);
    assert.deepEqual(coinbase.inputs[0].witness, [new Uint8Array(32)]);
    assert.ok(bytesEqual(template.block.witnessCommitment()!, template.block.expectedWitnessCommitment(new Uint8Array(32))));
    assert.equal(template.block.header.version, TEMPLATE_BLOCK_VERSION);
    assert.equal(template.bits, f.h.chain.nextBits());
    assert.equal(template.previousHash, f.h.chain.tip.hash);
    assert.equal(template.sigops, 3, 'one witness sigop per P2WPKH input');
    assert.equal(template.weight, template.block.weight());
    assertValid(f, template.block, false);
  });

  test('a coinbase tag that cannot fit is refused', () => {
    assert.throws(() => templateFor(f, new ListTemplateSource(), { coinbaseTag: new Uint8Array(76) }), RangeError);
    assert.throws(() => templateFor(f, new ListTemplateSource(), { payoutScript: Uint8Array.of(0x51) }), RangeError);
  });

  test('time is max(now, median time past + 1), and never below mintime on rebuild', () => {
    const mtp = f.h.chain.medianTimePast();
    const early = templateFor(f, new ListTemplateSource(), { now: mtp - 1000 });
    assert.equal(early.curtime, mtp + 1);
    assert.equal(early.mintime, mtp + 1);
    const late = templateFor(f, new ListTemplateSource(), { now: mtp + 5000 });
    assert.equal(late.curtime, mtp + 5000);
    assert.equal(late.rebuild({ time: 0 }).curtime, mtp + 1);
  });

  test('CPFP: a high-fee child pulls its low-fee parent in ahead of a medium-fee tx; parents precede children', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    const parent = spendWithFee(f.key, f.coins[10], 200n);
    const child = spendWithFee(f.key, parent.coin, 20_000n);
    const medium = spendWithFee(f.key, f.coins[11], 5_000n);
    const high = spendWithFee(f.key, f.coins[12], 50_000n);
    const lowAlone = spendWithFee(f.key, f.coins[13], 300n);
    // Added in an order that would be wrong if the list order leaked through.
    for (const tx of [lowAlone.tx, medium.tx, parent.tx, child.tx, high.tx]) source.add(tx);
    // The child's own rate beats the medium tx's, and so does the package's.
    assert.ok(20_200 / (parent.tx.weight() + child.tx.weight()) > 5_000 / medium.tx.weight());
    assert.ok(200 / parent.tx.weight() < 5_000 / medium.tx.weight());
    const template = templateFor(f, source);
    assert.deepEqual(txids(template), [high.tx.txid(), parent.tx.txid(), child.tx.txid(), medium.tx.txid(), lowAlone.tx.txid()]);
    assert.deepEqual(template.txs[2].depends, [2], 'the child depends on tx 2 (its parent)');
    assert.equal(template.fees, 50_000n + 200n + 20_000n + 5_000n + 300n);
    assertValid(f, template.block, false);
  });

  test('chains and fan-ins: every parent precedes its children, all txs taken, fees summed', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    let expectedFees = 0n;
    const tips = [];
    for (let c = 0; c < 6; c++) {
      let coin = f.coins[14 + c];
      for (let depth = 0; depth < 4; depth++) {
        const fee = BigInt(100 + ((c * 7 + depth * 13) % 9) * 1000);
        const spend = spendWithFee(f.key, coin, fee);
        source.add(spend.tx);
        expectedFees += fee;
        coin = spend.coin;
      }
      tips.push(coin);
    }
    // One tx joining the ends of two chains.
    const join = f.key.spend([tips[0], tips[1]], [{ value: tips[0].value + tips[1].value - 9_000n, script: f.key.script }]);
    source.add(join);
    expectedFees += 9_000n;
    const template = templateFor(f, source);
    assert.equal(template.block.txs.length - 1, source.size);
    assert.equal(template.fees, expectedFees);
    const position = new Map(txids(template).map((txid, i) => [txid, i]));
    for (const tx of template.block.txs.slice(1)) {
      for (const input of tx.inputs) {
        const parentAt = position.get(input.prevout.txidHex());
        if (parentAt !== undefined) assert.ok(parentAt < position.get(tx.txid())!, 'parent before child');
      }
    }
    assertValid(f, template.block, false);
  });

  test('weight limit: only the best packages that fit under a small maxWeight', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    const spends = [1_000n, 9_000n, 3_000n, 7_000n, 5_000n].map((fee, i) => spendWithFee(f.key, f.coins[21 + i], fee));
    for (const { tx } of spends) source.add(tx);
    const txWeight = Math.max(...spends.map(({ tx }) => tx.weight()));
    const maxWeight = COINBASE_RESERVED_WEIGHT + 3 * txWeight + 1;
    const template = templateFor(f, source, { maxWeight });
    assert.deepEqual(txids(template), [spends[1], spends[3], spends[4]].map(({ tx }) => tx.txid()));
    assert.ok(template.weight <= maxWeight, `${template.weight} <= ${maxWeight}`);
    // Room for one: the best.
    const tight = templateFor(f, source, { maxWeight: COINBASE_RESERVED_WEIGHT + txWeight + 1 });
    assert.deepEqual(txids(tight), [spends[1].tx.txid()]);
  });

  test('sigop limit: packages that would reach the cap are skipped (each P2WPKH input costs 1)', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    const two = f.key.spend([f.coins[37], f.coins[38]], [{ value: f.coins[37].value + f.coins[38].value - 90_000n, script: f.key.script }]);
    const one = spendWithFee(f.key, f.coins[39], 1_000n).tx;
    source.add(two);
    source.add(one);
    const limits = { maxWeight: 3_996_000, reservedWeight: COINBASE_RESERVED_WEIGHT, reservedSigops: 400, height: 10, lockTimeCutoff: 0 };
    const roomy = selectPackages(source.entries(), { ...limits, maxSigops: 404 });
    assert.deepEqual(roomy.txs.map(({ entry }) => entry.txid), [two.txid(), one.txid()]);
    assert.equal(roomy.sigops, 3);
    // As Core, the limit itself is never reached: 400 + 2 >= 402 skips the two-input tx.
    const tight = selectPackages(source.entries(), { ...limits, maxSigops: 402 });
    assert.deepEqual(tight.txs.map(({ entry }) => entry.txid), [one.txid()]);
  });

  test('txs whose parent is not in the source, and non-final txs, are left out', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    const parent = spendWithFee(f.key, f.coins[26], 1_000n);
    const child = spendWithFee(f.key, parent.coin, 1_000n);
    const grandchild = spendWithFee(f.key, child.coin, 1_000n);
    source.add(parent.tx);
    const childEntry = source.add(child.tx);
    source.add(grandchild.tx);
    source.add(lockedSpend(f, f.h.chain.tip.height + 1));
    const withoutParent = { entries: () => [...source.entries()].filter((entry) => entry.txid !== parent.tx.txid()) };
    const template = buildBlockTemplate({
      tip: f.h.chain.tip,
      bits: f.h.chain.nextBits(),
      medianTimePast: f.h.chain.medianTimePast(),
      params: f.h.params,
      payoutScript: f.key.script,
      extraNonce: 0,
      now: 0,
      source: withoutParent,
    });
    assert.deepEqual(txids(template), []);
    assert.ok(childEntry.parents instanceof Set && childEntry.parents.has(parent.tx.txid()));
    // The same lock one block earlier is final at the template's height.
    const unlocked = new ListTemplateSource().addCoins(f.coins);
    unlocked.add(lockedSpend(f, f.h.chain.tip.height));
    assert.equal(templateFor(f, unlocked).block.txs.length, 2);
  });

  test('rebuild with a new extranonce: new coinbase txid, merkle root still right, same selection', () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    for (let i = 28; i < 35; i++) source.add(spendWithFee(f.key, f.coins[i], 1_000n + BigInt(i)).tx);
    const template = templateFor(f, source);
    const next = template.rebuild({ extraNonce: 99 });
    assert.notEqual(next.block.txs[0].txid(), template.block.txs[0].txid());
    assert.equal(next.extraNonce, 99n);
    assert.deepEqual(txids(next), txids(template));
    assert.ok(bytesEqual(next.block.header.merkleRoot, next.block.computeMerkleRoot().root));
    assert.equal(next.weight, next.block.weight());
    assertValid(f, next.block, false);
  });

  test('a solved template is connected by the chain, and its coinbase pays subsidy + fees', async () => {
    const source = new ListTemplateSource().addCoins(f.coins);
    const parent = spendWithFee(f.key, f.coins[35], 400n);
    source.add(parent.tx);
    source.add(spendWithFee(f.key, parent.coin, 4_000n).tx);
    source.add(spendWithFee(f.key, f.coins[36], 2_000n).tx);
    const template = templateFor(f, source);
    const block = await solve(template);
    assertValid(f, block);
    const result = await f.h.chain.processBlock(block);
    assert.equal(result.status, 'connected');
    assert.equal(f.h.chain.tip.hash, block.hash());
    const coin = await f.h.chain.getCoin(new OutPoint(block.txs[0].txidBytes(), 0));
    assert.equal(coin?.value, blockSubsidy(template.height, f.h.params) + 6_400n);
  });
});

describe('merkle branch of the coinbase', () => {
  test('folding the first leaf up its branch equals the full merkle root, for 1..33 leaves', () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => sha256(Uint8Array.of(i, n)));
      const branch = firstLeafBranch(leaves.slice(1));
      assert.ok(bytesEqual(rootFromBranch(leaves[0], branch), computeMerkleRoot(leaves).root), `n = ${n}`);
      assert.equal(branch.length, n === 1 ? 0 : Math.ceil(Math.log2(n)));
    }
  });
});
