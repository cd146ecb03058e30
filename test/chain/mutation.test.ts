/**
 * Core's BLOCK_MUTATED rule: a block that fails for a reason a relay could have caused (the body
 * does not match the header's merkle root, or its witnesses do not match the commitment) is
 * refused without remembering its hash, so the real block under the same header is accepted
 * afterwards. A block that fails any other rule is remembered as invalid.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MAY_BE_MUTATED, RuleError, type RuleCode } from '../../src/consensus/errors.js';
import { defineNetwork, networks, type NetworkParams } from '../../src/params/index.js';
import { Block } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness, processAll } from '../helpers/chain-harness.js';
import { MUTATION_CODE, type Mutation, mutate } from '../helpers/mutations.js';
import { MAX_COPIES_PER_HASH, OrphanPool } from '../../src/chain/orphan-pool.js';
import { Transaction } from '../../src/primitives/index.js';

/** The same block (same hash) with another coinbase witness nonce: a copy a relay could make. */
function withCoinbaseNonce(block: Block, nonce: number): Block {
  const coinbase = block.txs[0];
  const input = { ...coinbase.inputs[0], witness: [new Uint8Array(32).fill(nonce)] };
  return new Block(block.header, [new Transaction({ ...coinbase, inputs: [input] }), ...block.txs.slice(1)]);
}

const params = defineNetwork({ name: 'mutation', coinbaseMaturity: 1 }, networks.regtest);
/** Segwit never active: a block commits to no witnesses, so any witness is unexpected. */
const noSegwit = defineNetwork({ name: 'nosegwit', coinbaseMaturity: 1, segwitHeight: 1_000_000 }, networks.regtest);
const key = new TestKey('mutation');

async function rejects(promise: Promise<unknown>, code: RuleCode): Promise<RuleError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => (caught = err),
  );
  assert.ok(caught instanceof RuleError, `expected RuleError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/**
 * A chain two blocks high paying `key`, and a third block (not processed) spending both coinbases:
 * 3 txs with witnesses, committed to. Without segwit the third block holds its coinbase alone.
 */
async function setup(network: NetworkParams, tag: number): Promise<{ h: Harness; branch: Branch; real: Block }> {
  const h = await openHarness({ params: network });
  const branch = Branch.fromGenesis(network, tag, key.script);
  const funding = branch.extend(2);
  await processAll(h.chain, funding);
  const spends = funding.map((block) => {
    const value = block.txs[0].outputs[0].value;
    return key.spend([{ outpoint: coinbaseOutpoint(block), value }], [{ value: value - 1_000n, script: key.script }]);
  });
  const segwit = network.segwitHeight <= 3;
  return { h, branch, real: segwit ? branch.next({ txs: spends, fees: 2_000n }) : branch.next() };
}

describe('mutated blocks never poison the header hash', () => {
  const harnesses: Harness[] = [];
  after(async () => Promise.all(harnesses.map((h) => h.close())));

  test('the mutation codes are exactly Core\'s BLOCK_MUTATED ones, plus undecodable bytes', () => {
    assert.deepEqual([...MAY_BE_MUTATED].sort(), ['bad-txnmrklroot', 'bad-txns-duplicate', 'bad-witness-merkle-match', 'bad-witness-nonce-size', 'block-decode-failed', 'tx-decode-failed', 'unexpected-witness']);
    for (const code of MAY_BE_MUTATED) assert.equal(new RuleError(code).corruptionPossible, true, code);
    for (const code of ['bad-blk-length', 'bad-blk-weight', 'bad-cb-missing', 'bad-cb-amount', 'bad-cb-height', 'mandatory-script-verify-flag-failed'] as const) {
      assert.equal(new RuleError(code).corruptionPossible, false, code);
    }
  });

  const cases: Array<{ mutation: Exclude<Mutation, 'junk-body'>; network: NetworkParams }> = [
    { mutation: 'merkle-mismatch', network: params },
    { mutation: 'duplicate-tail', network: params },
    { mutation: 'stripped-witness', network: params },
    { mutation: 'altered-witness', network: params },
    { mutation: 'coinbase-witness', network: noSegwit },
  ];
  cases.forEach(({ mutation, network }, i) => {
    test(`${mutation} (${MUTATION_CODE[mutation]}): refused, not remembered, and the real block connects after it`, async () => {
      const { h, real } = await setup(network, 10 + i);
      harnesses.push(h);
      const forged = Block.decode(mutate(real, mutation));
      assert.equal(forged.hash(), real.hash());
      const err = await rejects(h.chain.processBlock(forged), MUTATION_CODE[mutation]);
      assert.ok(err.corruptionPossible);
      assert.equal(h.chain.getEntry(real.hash()), undefined, 'no index entry, so nothing marked invalid');
      // Twice: a second forged copy is refused the same way (not duplicate-invalid).
      await rejects(h.chain.processBlock(forged), MUTATION_CODE[mutation]);
      assert.equal((await h.chain.processBlock(real)).status, 'connected');
      assert.equal(h.chain.tip.hash, real.hash());
    });
  });

  test('a witness-altered orphan does not make the real orphan a duplicate: the real one connects when the parent comes', async () => {
    const { h, branch, real } = await setup(params, 20);
    harnesses.push(h);
    // A node that has only block 1: `real` (block 3) is an orphan there, its parent missing.
    const late = await openHarness({ params });
    harnesses.push(late);
    await processAll(late.chain, [branch.at(1)]);
    const forged = Block.decode(mutate(real, 'altered-witness'));
    assert.equal((await late.chain.processBlock(forged)).status, 'orphan', 'an orphan is checked without context: its witnesses cannot be checked yet');
    assert.equal((await late.chain.processBlock(real)).status, 'orphan', 'another copy of the same hash is held, not called a duplicate');
    assert.equal((await late.chain.processBlock(real)).status, 'duplicate', 'the very same bytes again are');
    await processAll(late.chain, [branch.at(2)]);
    assert.equal(late.chain.tip.hash, real.hash(), 'the forged copy failed, the real one connected');
    assert.equal(late.chain.getEntry(real.hash())?.isFailed(), false);
  });

  test('the orphan pool holds at most MAX_COPIES_PER_HASH copies of one hash, dropping the oldest copy', async () => {
    const { h, real } = await setup(params, 25);
    harnesses.push(h);
    const pool = new OrphanPool({ maxBlocks: 100, maxBytes: 10_000_000 });
    const copies = Array.from({ length: MAX_COPIES_PER_HASH + 1 }, (_, i) => withCoinbaseNonce(real, i));
    for (const copy of copies) pool.add(copy, copy.size());
    assert.equal(pool.size, MAX_COPIES_PER_HASH);
    assert.equal(pool.holds(copies[0]), false, 'the oldest copy made room');
    assert.ok(copies.slice(1).every((copy) => pool.holds(copy)));
    assert.equal(pool.takeChildren(real.header.prevHashHex()).length, MAX_COPIES_PER_HASH);
    assert.equal(pool.has(real.hash()), false);
  });

  test('a block invalid for a reason of its own is remembered: the same hash is refused at once next time', async () => {
    const { h, branch } = await setup(params, 30);
    harnesses.push(h);
    const overpaid = branch.forkAt(2, 31).next({ coinbaseValue: 50n * 100_000_000n + 1n });
    await rejects(h.chain.processBlock(overpaid), 'bad-cb-amount');
    assert.equal(h.chain.getEntry(overpaid.hash())?.isFailed(), true);
    await rejects(h.chain.processBlock(overpaid), 'duplicate-invalid');
  });
});
