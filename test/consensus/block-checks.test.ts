import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBlock } from '../../src/consensus/block-checks.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { Block } from '../../src/primitives/block.js';
import { fromHex } from '../../src/primitives/bytes.js';
import { OutPoint } from '../../src/primitives/outpoint.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { bitcoin, networks } from '../../src/params/index.js';
import { assembleBlock, buildBlock, buildCoinbase, buildTx, genesisBlock, payTo } from '../helpers/builders.js';
import { assertRule } from '../helpers/rules.js';
import { vectorFile, vectors } from '../helpers/vectors.js';

const regtest = networks.regtest;
const genesis = genesisBlock(regtest);
const someCoin = (n: number) => new OutPoint(new Uint8Array(32).fill(n), 0);

function spendTx(n: number, script = payTo(n)): Transaction {
  return buildTx({ inputs: [someCoin(n)], outputs: [{ value: 1000n, script }] });
}

/** Same header (so PoW still holds), different body. */
function withTxs(block: Block, txs: readonly Transaction[]): Block {
  return new Block(block.header, txs);
}

/** A valid block over `txs` with the coinbase first, mined at regtest difficulty. */
function blockOf(txs: Transaction[]): Block {
  return buildBlock({ params: regtest, parent: genesis, height: 1, txs });
}

/** Appends the CVE-2012-2459 twin of the last subtree: same merkle root, more txs. Undefined for 2^k txs. */
function duplicateTail(txs: readonly Transaction[]): Transaction[] | undefined {
  let n = txs.length;
  let span = 1;
  while (n > 1 && n % 2 === 0) {
    n /= 2;
    span *= 2;
  }
  return n <= 1 ? undefined : [...txs, ...txs.slice(-span)];
}

/** A copy of tx with its first output's value changed: a different txid. */
function tamper(tx: Transaction): Transaction {
  const [first, ...rest] = tx.outputs;
  return new Transaction({ ...tx, outputs: [{ ...first, value: first.value + 1n }, ...rest] });
}

describe('checkBlock on built regtest blocks', () => {
  test('a valid block with spends passes', () => {
    checkBlock(blockOf([spendTx(1), spendTx(2)]), regtest);
    checkBlock(blockOf([]), regtest);
  });

  test('high-hash: a header above its target, or bits above powLimit', () => {
    const unmined = buildBlock({ params: regtest, parent: genesis, height: 1, mine: false });
    let header = unmined.header;
    while (!checkProofOfWork(header.hashBytes(), header.bits, regtest.powLimit)) header = header.with({ nonce: header.nonce + 1 });
    assertRule(() => checkBlock(new Block(header, unmined.txs), regtest), 'high-hash');
    const easy = buildBlock({ params: { ...regtest, powLimit: (1n << 256n) - 1n }, parent: genesis, height: 1, bits: 0x2100ffff });
    assertRule(() => checkBlock(easy, regtest), 'high-hash');
  });

  test('bad-txnmrklroot: a body the header does not commit to (corruption possible)', () => {
    const block = blockOf([spendTx(1), spendTx(2)]);
    assertRule(() => checkBlock(withTxs(block, [block.txs[0], block.txs[1], tamper(block.txs[2])]), regtest), 'bad-txnmrklroot', true);
    assertRule(() => checkBlock(withTxs(block, [block.txs[0], block.txs[2], block.txs[1]]), regtest), 'bad-txnmrklroot', true);
  });

  test('bad-txns-duplicate: CVE-2012-2459 duplicated tail with the same root (corruption possible)', () => {
    const block = blockOf([spendTx(1), spendTx(2)]);
    const mutated = withTxs(block, [...block.txs, block.txs[2]]);
    assert.deepEqual(mutated.computeMerkleRoot().root, block.header.merkleRoot);
    assertRule(() => checkBlock(mutated, regtest), 'bad-txns-duplicate', true);
  });

  test('bad-blk-length: no transactions', () => {
    const empty = buildBlock({ params: regtest, parent: genesis, height: 1 });
    const noTxs = assembleBlock({ prevHash: empty.header.prevHash, time: empty.header.time, bits: empty.header.bits }, []);
    assert.deepEqual(noTxs.header.merkleRoot, new Uint8Array(32)); // so the merkle check passes and this rule is reached
    assertRule(() => checkBlock(noTxs, regtest, { checkPow: false }), 'bad-blk-length');
  });

  test('bad-blk-length: stripped size * 4 above the weight limit', () => {
    // Each tx is under the limit on its own; together they are not.
    const block = blockOf([spendTx(1, new Uint8Array(600_000)), spendTx(2, new Uint8Array(600_000))]);
    assertRule(() => checkBlock(block, regtest), 'bad-blk-length');
  });

  test('bad-cb-missing: the first tx is not a coinbase', () => {
    const block = blockOf([spendTx(1)]);
    const noCoinbase = assembleBlock({ prevHash: block.header.prevHash, time: block.header.time, bits: block.header.bits }, [block.txs[1]]);
    assertRule(() => checkBlock(noCoinbase, regtest, { checkPow: false }), 'bad-cb-missing');
  });

  test('bad-cb-multiple: a second coinbase', () => {
    const second = buildCoinbase({ height: 1, value: 1n, tag: 99 });
    assertRule(() => checkBlock(blockOf([spendTx(1), second]), regtest), 'bad-cb-multiple');
  });

  test('a tx failing CheckTransaction fails the block with its own code and the txid', () => {
    const bad = buildTx({ inputs: [someCoin(1)], outputs: [{ value: -5n, script: payTo(1) }] });
    const err = assertRule(() => checkBlock(blockOf([bad]), regtest), 'bad-txns-vout-negative', false);
    assert.match(err.message, new RegExp(bad.txid()));
  });

  test('bad-blk-sigops: legacy sigops * 4 above 80,000', () => {
    const checksigs = (n: number) => new Uint8Array(n).fill(0xac);
    checkBlock(blockOf([spendTx(1, checksigs(20_000 - 1))]), regtest); // + the coinbase's 0 = 19,999
    checkBlock(blockOf([spendTx(1, checksigs(20_000))]), regtest); // exactly 80,000 cost
    assertRule(() => checkBlock(blockOf([spendTx(1, checksigs(20_001))]), regtest), 'bad-blk-sigops');
    // CHECKMULTISIG counts 20 when not preceded by OP_N: 1,001 of them = 20,020 sigops.
    assertRule(() => checkBlock(blockOf([spendTx(1, new Uint8Array(1001).fill(0xae))]), regtest), 'bad-blk-sigops');
  });

  test('a template may skip PoW and merkle root (Core\'s fCheckPOW / fCheckMerkleRoot)', () => {
    const block = blockOf([spendTx(1)]);
    const unsolved = new Block(block.header.with({ merkleRoot: new Uint8Array(32), nonce: 0 }), block.txs);
    checkBlock(unsolved, regtest, { checkPow: false, checkMerkleRoot: false });
  });
});

describe('checkBlock on real Bitcoin blocks', () => {
  const realBlocks: Array<[string, Uint8Array]> = [
    ['830000', vectorFile('block_mainnet_830000.bin')],
    ['542213', fromHex(vectors.segwit.mainnet_block_542213.raw_block_hex)],
    ['482683', fromHex(vectors.segwit.mainnet_block_482683.raw_block_hex)],
    ['100000', fromHex(vectors.blocks.block100000.raw_block_hex)],
    ['genesis', fromHex(vectors.blocks.genesis.raw_block_hex)],
  ];

  for (const [name, bytes] of realBlocks) {
    test(`block ${name} passes with Bitcoin's params; one changed tx gives bad-txnmrklroot`, () => {
      const block = Block.decode(bytes);
      checkBlock(block, bitcoin);
      const index = block.txs.length > 1 ? 1 : 0;
      const txs = block.txs.map((tx, i) => (i === index ? tamper(tx) : tx));
      assertRule(() => checkBlock(withTxs(block, txs), bitcoin), 'bad-txnmrklroot', true);
    });
  }

  test('duplicating the last subtree of 830000 (1,851 txs) and 482683 (12 txs) gives bad-txns-duplicate', () => {
    for (const bytes of [realBlocks[0][1], realBlocks[2][1]]) {
      const block = Block.decode(bytes);
      const twin = duplicateTail(block.txs);
      assert.ok(twin);
      const mutated = withTxs(block, twin);
      assert.deepEqual(mutated.computeMerkleRoot().root, block.header.merkleRoot);
      assertRule(() => checkBlock(mutated, bitcoin), 'bad-txns-duplicate', true);
    }
  });

  test('blocks with 2^k txs (genesis, 100000, 542213) have no CVE-2012-2459 twin', () => {
    for (const [, bytes] of realBlocks.slice(1)) {
      const block = Block.decode(bytes);
      if ((block.txs.length & (block.txs.length - 1)) === 0) assert.equal(duplicateTail(block.txs), undefined);
    }
  });
});
