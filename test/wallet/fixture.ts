import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InlineVerifier } from '../../src/verify/sig-verifier.js';
import { Mempool } from '../../src/mempool/index.js';
import { networks } from '../../src/params/index.js';
import type { NetworkParams } from '../../src/params/types.js';
import assert from 'node:assert/strict';
import { addressToScript, type Block, OutPoint, type Transaction } from '../../src/primitives/index.js';
import type { Ledger } from '../../src/wallet/coins.js';
import type { KeyRing } from '../../src/wallet/keys.js';
import { Wallet, type WalletOptions } from '../../src/wallet/index.js';
import { Branch, type Harness, openHarness } from '../helpers/chain-harness.js';
import type { Logger } from '../../src/util/logger.js';

export const params: NetworkParams = networks.regtest;
export const COIN = 100_000_000n;
export const SUBSIDY = 50n * COIN;
/** A fixed mnemonic (BIP39's first test vector) so tests can restore it. */
export const MNEMONIC_A = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
export const MNEMONIC_B = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

/** A real chain on a temp LevelDB and a real mempool following it, as the node wires them. */
export interface Node {
  h: Harness;
  mempool: Mempool;
  clock: { now: number };
  /** Processes blocks and waits until the mempool and every open wallet have followed them. */
  mine(...blocks: Block[]): Promise<void>;
  settle(): Promise<void>;
  wallets: Wallet[];
  dirs: string[];
  openWallet(options?: Partial<WalletOptions>, logger?: Logger): Promise<Wallet>;
  /** A branch from genesis whose coinbases pay `address`. */
  branchTo(address: string, tag?: number): Branch;
  close(): Promise<void>;
}

export async function openNode(): Promise<Node> {
  const h = await openHarness({ params });
  const clock = { now: 1_900_000_000 };
  const mempool = new Mempool({}, { chain: h.chain, params, verifier: new InlineVerifier(), sigCache: h.chain.sigCache, now: () => clock.now });
  const unfollow = mempool.followChain(h.chain);
  const node: Node = {
    h,
    mempool,
    clock,
    wallets: [],
    dirs: [],
    async settle() {
      // Mempool work can queue wallet work and the other way round (a send submits to the mempool).
      for (let i = 0; i < 3; i++) {
        await mempool.idle();
        for (const wallet of node.wallets) await wallet.idle();
      }
    },
    async mine(...blocks) {
      for (const block of blocks) await h.chain.processBlock(block);
      await node.settle();
    },
    async openWallet(options = {}, logger) {
      const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'powcoin-wallet-')));
      node.dirs.push(dir);
      const wallet = await Wallet.open({ params, scryptLogN: 10, ...options, dir }, { chain: h.chain, mempool, logger, now: () => clock.now });
      node.wallets.push(wallet);
      return wallet;
    },
    branchTo(address, tag = 1) {
      return Branch.fromGenesis(params, tag, addressToScript(address, params.bech32Prefix));
    },
    async close() {
      for (const wallet of node.wallets) await wallet.close().catch(() => undefined);
      unfollow();
      await mempool.idle();
      await h.close();
      for (const dir of node.dirs) await rm(dir, { recursive: true, force: true });
    },
  };
  return node;
}

/** Closes `wallet` and forgets it in the node's list. */
export async function closeWallet(node: Node, wallet: Wallet): Promise<void> {
  await wallet.close();
  node.wallets.splice(node.wallets.indexOf(wallet), 1);
}

/** The sum a tx pays to `address`. */
export function paidTo(tx: Transaction, address: string): bigint {
  const script = addressToScript(address, params.bech32Prefix);
  return tx.outputs.reduce((sum, output) => (Buffer.from(output.script).equals(Buffer.from(script)) ? sum + output.value : sum), 0n);
}

/** A logger that keeps every line as JSON, so tests can look for secrets in it. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (fields: object, message?: string) => {
    lines.push(JSON.stringify({ level, ...fields, message }, (_, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? { message: v.message, stack: v.stack } : v)));
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * The ledger's incremental unspent index agrees with the coins worked out from scratch (every
 * active tx's outputs paying us that no active tx spends, mature, confirmed or in the pool).
 */
export function assertCoinIndexConsistent(wallet: Wallet, mempool: Mempool): void {
  const ctx = (wallet as unknown as { ctx: { ledger: Ledger; keys: KeyRing; sync: { height: number } } }).ctx;
  const { ledger, keys } = ctx;
  const tip = ctx.sync.height;
  const expected: string[] = [];
  for (const wtx of ledger.txs.values()) {
    if (!ledger.isActive(wtx) || ledger.isImmatureCoinbase(wtx, tip)) continue;
    if (ledger.depth(wtx, tip) === 0 && !mempool.has(wtx.txid)) continue;
    wtx.tx.outputs.forEach((output, vout) => {
      if (keys.byScript(output.script) && !ledger.isSpent(new OutPoint(wtx.tx.txidBytes(), vout))) expected.push(`${wtx.txid}:${vout}`);
    });
  }
  const indexed = ledger.unspent(tip).map((coin) => `${coin.txid}:${coin.vout}`);
  assert.deepEqual(indexed.sort(), expected.sort());
}
