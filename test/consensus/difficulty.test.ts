import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type BlockTimeBits,
  type HeaderView,
  calculateNextWorkRequired,
  getNextWorkRequired,
} from '../../src/consensus/difficulty.js';
import { bitcoin, networks } from '../../src/params/index.js';
import { BlockHeader, fromHex } from '../../src/primitives/index.js';
import { vectorJson, vectors } from '../helpers/vectors.js';

const { main, regtest } = networks;

/** A view that knows only some heights, and fails loudly if asked for any other. */
function sparseView(height: number, known: ReadonlyMap<number, BlockTimeBits>): HeaderView {
  const at = (h: number): BlockTimeBits => {
    const block = known.get(h);
    if (!block) throw new Error(`test view has no block at height ${h}`);
    return block;
  };
  const tip = at(height);
  return { height, time: tip.time, bits: tip.bits, ancestor: at };
}

describe("Core's pow_tests retarget cases", () => {
  for (const c of vectors.retarget.cases) {
    test(`${c.name}: ${c.what}`, () => {
      const got = calculateNextWorkRequired(Number(c.pindexLast_nBits), c.nLastRetargetTime, c.pindexLast_nTime, bitcoin);
      assert.equal(got, Number(c.expected_nBits));
    });
  }

  test('getNextWorkRequired times the period from its first block, interval - 1 back', () => {
    const c = vectors.retarget.cases[0];
    const view = sparseView(
      c.pindexLast_nHeight,
      new Map([
        [c.pindexLast_nHeight, { time: c.pindexLast_nTime, bits: Number(c.pindexLast_nBits) }],
        [c.pindexLast_nHeight - 2015, { time: c.nLastRetargetTime, bits: 0x1d00ffff }],
      ]),
    );
    assert.equal(getNextWorkRequired(view, bitcoin), Number(c.expected_nBits));
  });

  test('inside a period the parent bits carry over without looking back', () => {
    const view = sparseView(32256, new Map([[32256, { time: 1262153464, bits: 0x1d00d86a }]]));
    assert.equal(getNextWorkRequired(view, bitcoin), 0x1d00d86a);
  });
});

describe('every real mainnet retarget (retarget_boundaries.json)', () => {
  const boundaries = vectorJson('retarget_boundaries.json');
  const byHeight = new Map<number, BlockHeader>();
  for (const h of boundaries.headers) {
    const header = BlockHeader.decode(fromHex(h.header_hex));
    assert.equal(header.hash(), h.hash);
    byHeight.set(h.height, header);
  }
  const retargets = boundaries.retargets.map((r: { height: number }) => r.height);

  test('there are 413 of them, at every multiple of 2016 up to 832608', () => {
    assert.equal(retargets.length, 413);
    retargets.forEach((h: number, i: number) => assert.equal(h, 2016 * (i + 1)));
  });

  test('calculateNextWorkRequired reproduces each from the headers alone', () => {
    for (const height of retargets) {
      const first = byHeight.get(height - 2016)!;
      const last = byHeight.get(height - 1)!;
      const next = byHeight.get(height)!;
      assert.equal(calculateNextWorkRequired(last.bits, first.time, last.time, bitcoin), next.bits, `height ${height}`);
    }
  });

  test('getNextWorkRequired reproduces each through a header view', () => {
    for (const height of retargets) {
      const view = sparseView(height - 1, byHeight);
      assert.equal(getNextWorkRequired(view, bitcoin), byHeight.get(height)!.bits, `height ${height}`);
    }
  });
});

describe('retarget bounds and networks', () => {
  const timespan = bitcoin.targetTimespan;

  test('a period faster than a quarter, or even backwards in time, counts as a quarter', () => {
    const quarter = calculateNextWorkRequired(0x1c05a3f4, 0, timespan / 4, bitcoin);
    assert.equal(calculateNextWorkRequired(0x1c05a3f4, 0, 1, bitcoin), quarter);
    assert.equal(calculateNextWorkRequired(0x1c05a3f4, 1000, 0, bitcoin), quarter);
  });

  test('a period slower than four timespans counts as four', () => {
    const four = calculateNextWorkRequired(0x1c387f6f, 0, timespan * 4, bitcoin);
    assert.equal(calculateNextWorkRequired(0x1c387f6f, 0, timespan * 100, bitcoin), four);
  });

  test('regtest never retargets', () => {
    assert.equal(calculateNextWorkRequired(0x207fffff, 0, 1, regtest), 0x207fffff);
    assert.equal(calculateNextWorkRequired(0x1d00ffff, 0, timespan * 10, regtest), 0x1d00ffff);
    const view = sparseView(2015, new Map([[2015, { time: 5, bits: 0x207fffff }]]));
    assert.equal(getNextWorkRequired(view, regtest), 0x207fffff);
  });

  test("powcoin main caps at its easy powLimit without Core's 256-bit wrap", () => {
    // 0x0fffff << 216 times four timespans exceeds 2^256: exact arithmetic, then the cap.
    assert.equal(calculateNextWorkRequired(0x1e0fffff, 0, main.targetTimespan * 4, main), 0x1e0fffff);
    assert.equal(calculateNextWorkRequired(0x1e0fffff, 0, main.targetTimespan, main), 0x1e0fffff);
    assert.equal(calculateNextWorkRequired(0x1e0fffff, 0, main.targetTimespan / 4, main), 0x1e03ffff);
  });
});
