/**
 * Connecting a block whose txs the mempool already accepted (Core's script execution cache and
 * signature cache, shared by chain and mempool): no script or signature is checked twice, and
 * anything the mempool did not accept in exactly that form is checked in full.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RuleError } from '../../src/consensus/errors.js';
import { Mempool } from '../../src/mempool/index.js';
import { defineNetwork, networks } from '../../src/params/index.js';
import { type Block, OutPoint, Transaction } from '../../src/primitives/index.js';
import { Branch, type Harness, TestKey, coinbaseOutpoint, openHarness, processAll } from '../helpers/chain-harness.js';
import { CountingVerifier } from '../helpers/counting-verifier.js';

const params = defineNetwork({ name: 'scriptcache', coinbaseMaturity: 1 }, networks.regtest);
const key = new TestKey('script-cache');
const FEE = 1_000n;

describe('connecting a block whose txs were in the mempool', () => {
  /** Counts the ECDSA checks of block connects; the mempool has its own. */
  const chainVerifier = new CountingVerifier();
  const poolVerifier = new CountingVerifier();
  let h: Harness;
  let mempool: Mempool;
  let unfollow: () => void;
  let branch: Branch;
  /** Outputs of a fan-out tx, each paid to the key, spent one per test tx. */
  let fan: Transaction;
  let nextOutput = 0;

  before(async () => {
    h = await openHarness({ params, verifier: chainVerifier });
    mempool = new Mempool({}, { chain: h.chain, params, verifier: poolVerifier, sigCache: h.chain.sigCache, scriptCache: h.chain.scriptCache });
    unfollow = mempool.followChain(h.chain);
    branch = Branch.fromGenesis(params, 1, key.script);
    const [funding] = branch.extend(1);
    const value = funding.txs[0].outputs[0].value;
    fan = key.spend([{ outpoint: coinbaseOutpoint(funding), value }], Array.from({ length: 30 }, () => ({ value: (value - FEE) / 30n, script: key.script })));
    await processAll(h.chain, [funding, branch.next({ txs: [fan], fees: value - ((value - FEE) / 30n) * 30n })]);
  });
  after(async () => {
    unfollow();
    await mempool.idle();
    await h.close();
  });

  /** A payment spending `inputs` fresh outputs of the fan. */
  function payment(inputs = 1): Transaction {
    const coins = Array.from({ length: inputs }, () => {
      const index = nextOutput++;
      return { outpoint: new OutPoint(fan.txidBytes(), index), value: fan.outputs[index].value };
    });
    const total = coins.reduce((sum, coin) => sum + coin.value, 0n);
    return key.spend(coins, [{ value: total - FEE, script: key.script }]);
  }

  async function connect(block: Block): Promise<{ verified: number; scriptHits: number }> {
    const verified = chainVerifier.verified;
    const scriptHits = h.chain.scriptCache.hits;
    assert.equal((await h.chain.processBlock(block)).status, 'connected');
    await mempool.idle();
    return { verified: chainVerifier.verified - verified, scriptHits: h.chain.scriptCache.hits - scriptHits };
  }

  test('every tx accepted by the mempool: no signature verified and no script run again', async () => {
    const txs = [payment(), payment(2), payment(3)];
    for (const tx of txs) assert.equal((await mempool.acceptTransaction(tx)).status, 'accepted');
    assert.equal(poolVerifier.verified, 6, 'the mempool verified each input once');
    const { verified, scriptHits } = await connect(branch.next({ txs, fees: FEE * 3n }));
    assert.equal(verified, 0);
    assert.equal(scriptHits, 3, "each tx's scripts answered by the script cache");
    assert.equal(mempool.size, 0);
  });

  test('a tx the mempool never saw is verified in full, the others are not', async () => {
    const known = [payment(), payment()];
    for (const tx of known) await mempool.acceptTransaction(tx);
    const unknown = payment(3);
    const { verified, scriptHits } = await connect(branch.next({ txs: [known[0], unknown, known[1]], fees: FEE * 3n }));
    assert.equal(verified, 3, "exactly the unknown tx's three inputs");
    assert.equal(scriptHits, 2);
  });

  test('the same txid with another witness than the one accepted is checked, and a bad signature refused', async () => {
    const accepted = payment();
    await mempool.acceptTransaction(accepted);
    // A valid signature by the right key, over another tx: well formed, but wrong for this one.
    const value = fan.outputs[nextOutput - 1].value;
    const other = key.spend([{ outpoint: accepted.inputs[0].prevout, value }], [{ value: value - 2n * FEE, script: key.script }]);
    const forged = new Transaction({ ...accepted, inputs: [{ ...accepted.inputs[0], witness: other.inputs[0].witness }] });
    assert.equal(forged.txid(), accepted.txid());
    assert.notEqual(forged.wtxid(), accepted.wtxid());
    const verified = chainVerifier.verified;
    const fork = branch.forkAt(branch.height, 2, key.script);
    await assert.rejects(h.chain.processBlock(fork.next({ txs: [forged], fees: FEE })), (err: unknown) => err instanceof RuleError && err.code === 'mandatory-script-verify-flag-failed');
    assert.equal(chainVerifier.verified - verified, 1, 'its one signature reached the verifier');
    // The tx as accepted still connects, from the caches.
    const result = await connect(branch.next({ txs: [accepted], fees: FEE }));
    assert.deepEqual(result, { verified: 0, scriptHits: 1 });
  });

  test('a tx the mempool refused leaves nothing cached: its block is refused too', async () => {
    const good = payment();
    const value = fan.outputs[nextOutput - 1].value;
    const other = key.spend([{ outpoint: good.inputs[0].prevout, value }], [{ value: value - 2n * FEE, script: key.script }]);
    const bad = new Transaction({ ...good, inputs: [{ ...good.inputs[0], witness: other.inputs[0].witness }] });
    await assert.rejects(mempool.acceptTransaction(bad), (err: unknown) => err instanceof RuleError && err.code === 'mandatory-script-verify-flag-failed');
    const fork = branch.forkAt(branch.height, 3, key.script);
    await assert.rejects(h.chain.processBlock(fork.next({ txs: [bad], fees: FEE })), (err: unknown) => err instanceof RuleError && err.code === 'mandatory-script-verify-flag-failed');
  });
});
