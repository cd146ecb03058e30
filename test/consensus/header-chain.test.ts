import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateNextWorkRequired } from '../../src/consensus/difficulty.js';
import { RuleError, type RuleCode } from '../../src/consensus/errors.js';
import { checkHeaderContext } from '../../src/consensus/header-checks.js';
import { type SegmentAnchor, validateHeaderChain, validateHeaderSegment } from '../../src/consensus/header-chain.js';
import { listHeaderView } from '../../src/consensus/header-view.js';
import { medianTimePast } from '../../src/consensus/median-time.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { MAX_FUTURE_BLOCK_TIME, bitcoin, defineNetwork, networks, type NetworkParams } from '../../src/params/index.js';
import { Block, BlockHeader, HEADER_SIZE, fromHex } from '../../src/primitives/index.js';
import { vectorFile, vectorJson, vectors } from '../helpers/vectors.js';

const { regtest } = networks;
const NOW = 1_800_000_000; // a fixed clock, later than every header used here

function decodeHeaders(bytes: Uint8Array): BlockHeader[] {
  assert.equal(bytes.length % HEADER_SIZE, 0);
  const out: BlockHeader[] = [];
  for (let i = 0; i < bytes.length; i += HEADER_SIZE) out.push(BlockHeader.decode(bytes.subarray(i, i + HEADER_SIZE)));
  return out;
}

/** A rule error with this code, and a reject unless the code is only about timing. */
function assertRule(fn: () => unknown, codes: readonly RuleCode[], what = ''): RuleError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof RuleError, `${what}: expected a RuleError, got ${String(caught)}`);
  assert.ok(codes.includes(caught.code), `${what}: got ${caught.code}, expected one of ${codes.join(', ')}`);
  assert.equal(caught.action, caught.code === 'time-too-new' ? 'ignore' : 'reject');
  return caught;
}

/** Independent of pow.ts: bits of real headers are never negative, so the plain formula applies. */
function independentProof(bits: number): bigint {
  const target = BigInt(bits & 0x7fffff) << BigInt(8 * ((bits >>> 24) - 3));
  return (1n << 256n) / (target + 1n);
}

function chainworkAt(height: number): bigint {
  return BigInt(vectors.chainwork.entries.find((e: { height: number }) => e.height === height).chainwork);
}

/** A deterministic PRNG (mulberry32), so a failing flip can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const first = decodeHeaders(vectorFile('headers_mainnet_0-9999.bin'));
const firstFile = vectors.header_chains.files[0];

describe('mainnet headers 0..9999', () => {
  test('validate end to end to the published tip and chainwork', () => {
    const result = validateHeaderChain(first, bitcoin, { now: NOW });
    assert.equal(result.tipHash, firstFile.last_hash);
    assert.equal(result.chainwork, first.reduce((sum, h) => sum + independentProof(h.bits), 0n));
    assert.equal(result.chainwork, 10_000n * 0x100010001n);
  });

  test('chainwork matches Core where the published heights overlap', () => {
    for (const height of [0, 2015, 2016]) {
      const result = validateHeaderChain(first.slice(0, height + 1), bitcoin, { now: NOW });
      assert.equal(result.chainwork, chainworkAt(height), `height ${height}`);
      assert.equal(result.tipHash, vectors.chainwork.entries.find((e: { height: number }) => e.height === height).hash);
    }
  });

  test('every header passes checkHeaderContext over a list view of its ancestors', () => {
    for (let i = 1; i < first.length; i++) checkHeaderContext(first[i], listHeaderView(first, i - 1), bitcoin, NOW);
  });

  test('is rejected with any one byte changed, whichever field it is in', () => {
    const fields: { name: string; start: number; end: number; codes: RuleCode[] }[] = [
      { name: 'version', start: 0, end: 4, codes: ['high-hash'] },
      { name: 'prevHash', start: 4, end: 36, codes: ['bad-prevblk'] },
      { name: 'merkleRoot', start: 36, end: 68, codes: ['high-hash'] },
      { name: 'time', start: 68, end: 72, codes: ['high-hash'] },
      // New bits also change the hash; bad-diffbits only if the new hash still met the new target.
      { name: 'bits', start: 72, end: 76, codes: ['high-hash', 'bad-diffbits'] },
      { name: 'nonce', start: 76, end: 80, codes: ['high-hash'] },
    ];
    const random = prng(20261121);
    for (let round = 0; round < 7; round++) {
      for (const field of fields) {
        const index = round === 0 ? 0 : 1 + Math.floor(random() * (first.length - 1));
        const offset = field.start + Math.floor(random() * (field.end - field.start));
        const bytes = first[index].encode();
        bytes[offset] ^= 1 + Math.floor(random() * 255);
        const chain = first.slice();
        chain[index] = BlockHeader.decode(bytes);
        const what = `${field.name} byte ${offset} of header ${index}`;
        const err = assertRule(() => validateHeaderChain(chain, bitcoin, { now: NOW }), index === 0 ? ['bad-genesis'] : field.codes, what);
        if (index > 0) assert.match(err.message, new RegExp(`\\(height ${index}\\)$`), what);
      }
    }
  });

  test('a missing or reordered header breaks linkage', () => {
    const missing = [...first.slice(0, 500), ...first.slice(501)];
    assert.match(assertRule(() => validateHeaderChain(missing, bitcoin, { now: NOW }), ['bad-prevblk']).message, /height 500\)/);
    const swapped = first.slice(0, 20);
    [swapped[7], swapped[8]] = [swapped[8], swapped[7]];
    assertRule(() => validateHeaderChain(swapped, bitcoin, { now: NOW }), ['bad-prevblk']);
  });

  test('a chain that is not from this network is refused at genesis', () => {
    assertRule(() => validateHeaderChain(first.slice(0, 3), regtest, { now: NOW }), ['bad-genesis']);
  });

  test('a header beyond two hours of our clock is time-too-new, and only ignored', () => {
    const now = first[5000].time - MAX_FUTURE_BLOCK_TIME - 1;
    const expected = first.findIndex((h, i) => i > 0 && h.time > now + MAX_FUTURE_BLOCK_TIME);
    const err = assertRule(() => validateHeaderChain(first, bitcoin, { now }), ['time-too-new']);
    assert.match(err.message, new RegExp(`\\(height ${expected}\\)$`));
    assert.equal(err.penalise, false);
    validateHeaderChain(first.slice(0, expected), bitcoin, { now });
  });

  test('checkHeaderContext: wrong bits, a time at the median, a time in the future', () => {
    const i = 4032; // a retarget height
    const parent = listHeaderView(first, i - 1);
    const mtp = medianTimePast(parent);
    assertRule(() => checkHeaderContext(first[i].with({ bits: 0x1d00fffe }), parent, bitcoin, NOW), ['bad-diffbits']);
    assertRule(() => checkHeaderContext(first[i].with({ time: mtp }), parent, bitcoin, NOW), ['time-too-old']);
    checkHeaderContext(first[i].with({ time: mtp + 1 }), parent, bitcoin, NOW);
    assertRule(() => checkHeaderContext(first[i], parent, bitcoin, first[i].time - MAX_FUTURE_BLOCK_TIME - 1), ['time-too-new']);
    checkHeaderContext(first[i], parent, bitcoin, first[i].time - MAX_FUTURE_BLOCK_TIME);
  });
});

describe('mainnet segment 822528..830592 with four retargets', () => {
  const segment = decodeHeaders(vectorFile('headers_mainnet_822528-830592.bin'));
  const file = vectors.header_chains.files[1];
  const boundaries = vectorJson('retarget_boundaries.json');
  const boundary = (height: number) => {
    const entry = boundaries.headers.find((h: { height: number }) => h.height === height);
    return { header: BlockHeader.decode(fromHex(entry.header_hex)), chainwork: BigInt(entry.chainwork) };
  };
  const parent = boundary(822527);
  const fullAnchor: SegmentAnchor = {
    startHeight: 822528,
    chainworkBefore: parent.chainwork,
    parent: { hash: parent.header.hash(), bits: parent.header.bits, time: parent.header.time },
    periodStartTime: boundary(820512).header.time,
  };

  test('holds the headers and retargets the vectors describe', () => {
    assert.equal(segment.length, file.count);
    assert.equal(segment[0].hash(), file.first_hash);
    for (const r of file.retargets_inside) assert.equal(segment[r.height - 822528].bits, Number(r.header_bits));
  });

  test('validates from the real parent, first header bits included, to Core chainwork at 830592', () => {
    const result = validateHeaderSegment(segment, fullAnchor, bitcoin, { now: NOW });
    assert.equal(result.tipHash, file.last_hash);
    assert.equal(result.chainwork, chainworkAt(830592));
  });

  test('validates with only a height and chainwork, taking the first bits as given', () => {
    const result = validateHeaderSegment(segment, { startHeight: 822528, chainworkBefore: parent.chainwork }, bitcoin, { now: NOW });
    assert.equal(result.tipHash, file.last_hash);
    assert.equal(result.chainwork, chainworkAt(830592));
  });

  test('a wrong parent or period start is caught at the first header', () => {
    const wrongParent = { ...fullAnchor, parent: { ...fullAnchor.parent!, hash: segment[5].hash() } };
    assertRule(() => validateHeaderSegment(segment, wrongParent, bitcoin, { now: NOW }), ['bad-prevblk']);
    const wrongStart = { ...fullAnchor, periodStartTime: fullAnchor.periodStartTime! - 86_400 };
    assert.match(assertRule(() => validateHeaderSegment(segment, wrongStart, bitcoin, { now: NOW }), ['bad-diffbits']).message, /height 822528\)/);
  });

  test('a retarget timed from before the segment needs periodStartTime rather than being skipped', () => {
    const rest = segment.slice(1000);
    const anchor = { startHeight: 823528, chainworkBefore: 0n };
    assert.throws(() => validateHeaderSegment(rest, anchor, bitcoin, { now: NOW }), /periodStartTime/);
    const result = validateHeaderSegment(rest, { ...anchor, periodStartTime: segment[0].time }, bitcoin, { now: NOW });
    assert.equal(result.tipHash, file.last_hash);
  });

  test('prior times make the median rule apply from the first header', () => {
    const rest = segment.slice(11);
    const anchor: SegmentAnchor = { startHeight: 822539, chainworkBefore: 0n, periodStartTime: segment[0].time };
    const real = { ...anchor, priorTimes: segment.slice(0, 11).map((h) => h.time) };
    validateHeaderSegment(rest, real, bitcoin, { now: NOW });
    // Prior times whose median equals the first header's time: caught there, with real proof of work.
    const late = { ...anchor, priorTimes: new Array(11).fill(rest[0].time) };
    const err = assertRule(() => validateHeaderSegment(rest, late, bitcoin, { now: NOW }), ['time-too-old']);
    assert.match(err.message, /\(height 822539\)$/);
    // Without them the first 11 headers skip only that rule.
    validateHeaderSegment(rest, anchor, bitcoin, { now: NOW });
  });
});

/** Regtest-easy targets take a few tries, so these chains can be mined on the spot. */
function mineHeader(parent: BlockHeader, time: number, bits: number, params: NetworkParams): BlockHeader {
  for (let nonce = 0; ; nonce++) {
    const h = new BlockHeader({ version: 1, prevHash: parent.hashBytes(), merkleRoot: new Uint8Array(32).fill(7), time, bits, nonce });
    if (checkProofOfWork(h.hashBytes(), bits, params.powLimit) === undefined) return h;
  }
}

function mineChain(params: NetworkParams, count: number, spacing: number, bits = 0x207fffff): BlockHeader[] {
  const chain = [Block.decode(fromHex(params.genesisBlock)).header];
  for (let i = 1; i <= count; i++) chain.push(mineHeader(chain[i - 1], chain[0].time + i * spacing, bits, params));
  return chain;
}

describe('time and bits rules on freshly mined regtest chains', () => {
  const chain = mineChain(regtest, 15, 600);
  const now = chain[15].time;

  test('a header with time equal to the median time past is time-too-old; one second later passes', () => {
    const mtp = medianTimePast(listHeaderView(chain, 15));
    assert.equal(mtp, chain[10].time);
    const stale = mineHeader(chain[15], mtp, 0x207fffff, regtest);
    const err = assertRule(() => validateHeaderChain([...chain, stale], regtest, { now }), ['time-too-old']);
    assert.match(err.message, /\(height 16\)$/);
    validateHeaderChain([...chain, mineHeader(chain[15], mtp + 1, 0x207fffff, regtest)], regtest, { now });
  });

  test('a header more than two hours ahead is time-too-new; exactly two hours passes', () => {
    const early = mineHeader(chain[15], now + MAX_FUTURE_BLOCK_TIME + 1, 0x207fffff, regtest);
    assertRule(() => validateHeaderChain([...chain, early], regtest, { now }), ['time-too-new']);
    validateHeaderChain([...chain, mineHeader(chain[15], now + MAX_FUTURE_BLOCK_TIME, 0x207fffff, regtest)], regtest, { now });
  });

  test('valid work at the wrong bits is bad-diffbits', () => {
    const harder = mineHeader(chain[15], now + 1, 0x203fffff, regtest);
    assertRule(() => validateHeaderChain([...chain, harder], regtest, { now }), ['bad-diffbits']);
  });

  test('a custom network with a short interval retargets inside validateHeaderChain', () => {
    const demo = defineNetwork({ name: 'demo', noRetargeting: false, retargetInterval: 10 }, regtest);
    const fast = mineChain(demo, 9, 1);
    // Nine one-second gaps: clamped to a quarter of the timespan, so four times harder.
    assert.equal(calculateNextWorkRequired(0x207fffff, fast[0].time, fast[9].time, demo), 0x201fffff);
    const retargeted = mineHeader(fast[9], fast[9].time + 1, 0x201fffff, demo);
    validateHeaderChain([...fast, retargeted], demo, { now: fast[9].time });
    const unchanged = mineHeader(fast[9], fast[9].time + 1, 0x207fffff, demo);
    assertRule(() => validateHeaderChain([...fast, unchanged], demo, { now: fast[9].time }), ['bad-diffbits']);
  });
});
