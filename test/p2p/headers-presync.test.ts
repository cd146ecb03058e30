/** Headers presync on its own: every rule checked across batches, one commitment per batch, nothing kept. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRuleError } from '../../src/consensus/errors.js';
import { blockProof } from '../../src/consensus/pow.js';
import { HeadersPresync } from '../../src/p2p/headers-presync.js';
import { genesisBlock } from '../helpers/builders.js';
import { FAR_FUTURE } from '../helpers/chain-harness.js';
import { mineHeaders } from '../helpers/headers.js';
import { params } from './helpers.js';

const BITS = 0x207fffff;
const genesis = genesisBlock(params).header;
const start = () => ({
  startHeight: 1,
  chainworkBefore: blockProof(BITS),
  parent: { hash: params.genesisHash, bits: BITS, time: genesis.time },
  periodStartTime: genesis.time,
  priorTimes: [genesis.time],
});

describe('headers presync', () => {
  test('checks batch after batch until the chain has enough work, committing to each batch end', () => {
    const headers = mineHeaders({ hash: params.genesisHash, time: genesis.time }, 30, BITS, params.powLimit);
    const presync = new HeadersPresync(params.genesisHash, start(), blockProof(BITS) * 25n, params, FAR_FUTURE);
    assert.equal(presync.feed(headers.slice(0, 10)), 'more');
    assert.equal(presync.lastHash, headers[9].hash());
    assert.equal(presync.feed(headers.slice(10, 20)), 'more');
    assert.equal(presync.feed(headers.slice(20, 30)), 'enough');
    assert.deepEqual(presync.batchEnds, [headers[9].hash(), headers[19].hash(), headers[29].hash()]);
    assert.equal(presync.chainwork, blockProof(BITS) * 31n);
  });

  test('a rule broken in a later batch is caught with the context of the earlier ones', () => {
    const good = mineHeaders({ hash: params.genesisHash, time: genesis.time }, 12, BITS, params.powLimit);
    // Its time is below the median of the 11 before it, which only the first batch knew.
    const stale = mineHeaders({ hash: good[11].hash(), time: genesis.time }, 1, BITS, params.powLimit, 1);
    const presync = new HeadersPresync(params.genesisHash, start(), 1n << 200n, params, FAR_FUTURE);
    assert.equal(presync.feed(good), 'more');
    assert.throws(() => presync.feed(stale), (err) => isRuleError(err) && err.code === 'time-too-old');
    const wrongBits = mineHeaders({ hash: good[11].hash(), time: good[11].time }, 3, 0x207ffffe, params.powLimit);
    assert.throws(() => presync.feed(wrongBits), (err) => isRuleError(err) && err.code === 'bad-diffbits');
  });
});
