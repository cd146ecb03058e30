import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkParams } from '../../src/params/types.js';
import { Block, BlockHeader, type Coin, OutPoint, sha256, Transaction } from '../../src/primitives/index.js';
import { BlockStatus, type BlockIndexRecord } from '../../src/store/index.js';
import type { DbOperation } from '../../src/store/database.js';
import type { WriteCache } from '../../src/store/write-cache.js';

const BASE_PARAMS: NetworkParams = {
  name: 'storetest',
  genesisBlock: '',
  genesisHash: '11'.repeat(32),
  powLimit: (1n << 255n) - 1n,
  retargetInterval: 2016,
  targetTimespan: 2016 * 600,
  targetSpacing: 600,
  noRetargeting: true,
  initialSubsidy: 5_000_000_000n,
  halvingInterval: 150,
  coinbaseMaturity: 100,
  maxMoney: 2_100_000_000_000_000n,
  maxBlockWeight: 4_000_000,
  bip34Height: 1,
  segwitHeight: 0,
  p2wpkhOnly: true,
  bech32Prefix: 'pcst',
  defaultP2pPort: 1,
  defaultRpcPort: 2,
  protocolName: 'storetest',
  bootstrapPeers: [],
  minimumChainWork: 0n,
  maxTipAge: 24 * 60 * 60,
  assumeutxo: {},
};

/** A minimal network literal; only name and genesisHash matter to the store. */
export function testParams(name = 'storetest', genesisHash = BASE_PARAMS.genesisHash): NetworkParams {
  return { ...BASE_PARAMS, name, genesisHash };
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'powcoin-store-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Runs `fn` with a fresh temp dir that is removed afterwards, pass or fail. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDir();
  try {
    return await fn(join(dir, 'chain'));
  } finally {
    await removeDir(dir);
  }
}

/** A deterministic 32-byte value for seed `n`. */
export function fakeHash(n: number, salt = 'hash'): Uint8Array {
  return sha256(new TextEncoder().encode(`${salt}:${n}`));
}

export function outpoint(n: number, index = 0): OutPoint {
  return new OutPoint(fakeHash(n, 'txid'), index);
}

export function p2wpkhScript(n: number): Uint8Array {
  const script = new Uint8Array(22);
  script[1] = 20;
  script.set(fakeHash(n, 'key').subarray(0, 20), 2);
  return script;
}

export function coin(n: number, overrides: Partial<Coin> = {}): Coin {
  return { value: BigInt(n) * 1000n + 1n, script: p2wpkhScript(n), height: n, coinbase: n % 7 === 0, ...overrides };
}

export function header(n: number): BlockHeader {
  return new BlockHeader({
    version: 0x20000000,
    prevHash: fakeHash(n - 1, 'block'),
    merkleRoot: fakeHash(n, 'merkle'),
    time: 1_700_000_000 + n * 600,
    bits: 0x207fffff,
    nonce: n,
  });
}

export function indexRecord(n: number, overrides: Partial<BlockIndexRecord> = {}): BlockIndexRecord {
  const h = header(n);
  return {
    hash: h.hashBytes(),
    header: h,
    height: n,
    chainwork: (1n << 200n) * BigInt(n + 1) + 12345n,
    status: BlockStatus.HEADER_VALID | BlockStatus.HAVE_DATA,
    txCount: n + 1,
    ...overrides,
  };
}

/** A block with a coinbase and one segwit spend, so the witness round trip is covered. */
export function block(n: number): Block {
  const coinbase = new Transaction({
    version: 2,
    inputs: [{ prevout: OutPoint.null(), scriptSig: Uint8Array.of(1, n & 0xff, 0, 0), sequence: 0xffffffff, witness: [new Uint8Array(32)] }],
    outputs: [{ value: 5_000_000_000n, script: p2wpkhScript(n) }],
    locktime: 0,
  });
  const spend = new Transaction({
    version: 2,
    inputs: [{ prevout: outpoint(n, 1), scriptSig: new Uint8Array(0), sequence: 0xfffffffd, witness: [Uint8Array.of(0x30, 1, 2), new Uint8Array(33).fill(2)] }],
    outputs: [
      { value: 1234n, script: p2wpkhScript(n + 1) },
      { value: 0n, script: Uint8Array.of(0x6a, 2, 0xbe, 0xef) },
    ],
    locktime: n,
  });
  return new Block(header(n), [coinbase, spend]);
}

/**
 * Starts a flush of `cache` and returns what it writes, in order. The cache hands its writes over
 * in reused buffers (as LevelDB's batch copies them): each is copied here as it comes.
 */
export function beginFlushWrites(cache: WriteCache): DbOperation[] {
  const writes: DbOperation[] = [];
  cache.beginFlush({
    put: (key, value) => writes.push({ type: 'put', key: key.slice(), value: value.slice() }),
    del: (key) => writes.push({ type: 'del', key: key.slice() }),
  });
  return writes;
}
