/**
 * scanblocks over a real in-process node with the basic block filter index: blocks that pay or
 * spend a descriptor's scripts are found, others are not, a real filter false positive is
 * reported or dropped as filter_false_positives says, and bad input gets Core's codes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASIC_FILTER_M } from '../../src/primitives/block-filter.js';
import { fromHex, hexToHash, toHex } from '../../src/primitives/bytes.js';
import { sipHash24BigInt, sipKey } from '../../src/primitives/siphash.js';
import { type Stack, openStack, rpcError } from './stack.js';

const OTHER = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';

interface ScanResult {
  from_height: number;
  to_height: number;
  relevant_blocks: string[];
  completed: boolean;
}

/**
 * A script that is in no block but hashes, in the filter of `blockHash` holding just
 * `element`, to the same value as `element`: a genuine false positive (about M tries).
 */
function falsePositiveFor(blockHash: string, element: Uint8Array): Uint8Array {
  const key = sipKey(hexToHash(blockHash));
  const target = (sipHash24BigInt(key, element) * BASIC_FILTER_M) >> 64n;
  const script = new Uint8Array(22);
  script[1] = 0x14;
  const view = new DataView(script.buffer);
  for (let i = 0; ; i++) {
    view.setUint32(2, i);
    if ((sipHash24BigInt(key, script) * BASIC_FILTER_M) >> 64n === target) return script;
  }
}

describe('scanblocks', { timeout: 600_000 }, () => {
  let s: Stack;
  let mine: string;
  let mineBlocks: string[];
  let spendBlock: string;
  let otherBlocks: string[];
  before(async () => {
    s = await openStack({ wallet: true, blockfilterindex: true });
    mine = await s.client.call<string>('getnewaddress');
    mineBlocks = await s.client.call<string[]>('generatetoaddress', [101, mine]);
    await s.client.call('sendtoaddress', [OTHER, 1]);
    [spendBlock] = await s.client.call<string[]>('generatetoaddress', [1, OTHER]);
    otherBlocks = await s.client.call<string[]>('generatetoaddress', [3, OTHER]);
  });
  after(async () => {
    await s?.close();
  });

  test('finds the blocks paying an address and the block spending from it', async () => {
    const result = await s.client.call<ScanResult>('scanblocks', ['start', [`addr(${mine})`]]);
    assert.deepEqual(result, { from_height: 0, to_height: 105, relevant_blocks: [...mineBlocks, spendBlock], completed: true });
    const spentOnly = await s.client.call<ScanResult>('scanblocks', ['start', [`addr(${mine})`], 102, 105]);
    assert.deepEqual(spentOnly.relevant_blocks, [spendBlock]);
    const other = await s.client.call<ScanResult>('scanblocks', ['start', [`addr(${OTHER})`], 0, 105, 'basic', { filter_false_positives: true }]);
    assert.deepEqual(other.relevant_blocks, [spendBlock, ...otherBlocks]);
    const none = await s.client.call<ScanResult>('scanblocks', ['start', ['raw(0014' + '11'.repeat(20) + ')']]);
    assert.deepEqual(none.relevant_blocks, []);
  });

  test('a filter false positive is listed unless filter_false_positives', async () => {
    // Block 104 pays only OTHER (its witness commitment is OP_RETURN, left out of the filter).
    const block = otherBlocks[1];
    const element = fromHex(((await s.client.call<{ tx: Array<{ vout: Array<{ scriptPubKey: { hex: string } }> }> }>('getblock', [block, 2])).tx[0].vout[0].scriptPubKey.hex));
    const decoy = `raw(${toHex(falsePositiveFor(block, element))})`;
    const loose = await s.client.call<ScanResult>('scanblocks', ['start', [decoy], 104, 104]);
    assert.deepEqual(loose.relevant_blocks, [block]);
    const strict = await s.client.call<ScanResult>('scanblocks', ['start', [decoy], 104, 104, 'basic', { filter_false_positives: true }]);
    assert.deepEqual(strict.relevant_blocks, []);
  });

  test('status and abort with no scan running', async () => {
    assert.equal(await s.client.call('scanblocks', ['status']), null);
    assert.equal(await s.client.call('scanblocks', ['abort']), false);
  });

  test('bad parameters answer Core\'s codes', async () => {
    assert.deepEqual(await rpcError(s, 'scanblocks', ['start', [`addr(${mine})`], 0, 105, 'extended']), { code: -5, message: 'Unknown filtertype' });
    assert.deepEqual(await rpcError(s, 'scanblocks', ['start']), { code: -8, message: 'scanobjects argument is required for the start action' });
    assert.deepEqual(await rpcError(s, 'scanblocks', ['start', [`addr(${mine})`], 200]), { code: -8, message: 'Invalid start_height' });
    assert.deepEqual(await rpcError(s, 'scanblocks', ['start', [`addr(${mine})`], 5, 2]), { code: -8, message: 'Invalid stop_height' });
    assert.deepEqual(await rpcError(s, 'scanblocks', ['go']), { code: -8, message: "Invalid action 'go'" });
    assert.equal((await rpcError(s, 'scanblocks', [7])).code, -3);
    assert.equal((await rpcError(s, 'scanblocks', ['start', ['nonsense(']])).code, -5);
    assert.equal((await rpcError(s, 'scanblocks', ['start', 'notarray'])).code, -3);
  });
});

describe('scanblocks without the index', { timeout: 120_000 }, () => {
  test('answers -1 as Core', async () => {
    const s = await openStack();
    try {
      assert.deepEqual(await rpcError(s, 'scanblocks', ['start', [`addr(${OTHER})`]]), { code: -1, message: 'Index is not enabled for filtertype basic' });
    } finally {
      await s.close();
    }
  });
});
