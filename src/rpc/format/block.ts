/** Headers and blocks in Core's getblockheader / getblock shapes. */
import type { Block } from '../../primitives/block.js';
import type { RpcBlockEntry, RpcChain } from '../interfaces.js';
import { txHex, txJson } from './tx.js';

/** Core's GetDifficulty: the target's multiple of Bitcoin's difficulty-1 target (0x1d00ffff). */
export function difficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / Math.max(1, bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256;
    shift++;
  }
  while (shift > 29) {
    diff /= 256;
    shift--;
  }
  return diff;
}

export function hex32(value: bigint): string {
  return value.toString(16).padStart(64, '0');
}

export function bitsHex(bits: number): string {
  return bits.toString(16).padStart(8, '0');
}

/** The median of the last 11 block times ending at `entry`. */
export function medianTime(entry: RpcBlockEntry): number {
  const times: number[] = [];
  for (let e: RpcBlockEntry | undefined = entry; e && times.length < 11; e = e.parent) times.push(e.header.time);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function isOnMainChain(chain: RpcChain, entry: RpcBlockEntry): boolean {
  return chain.getEntryAtHeight(entry.height) === entry;
}

/** -1 off the main chain, as Core. */
export function confirmations(chain: RpcChain, entry: RpcBlockEntry): number {
  return isOnMainChain(chain, entry) ? chain.height - entry.height + 1 : -1;
}

export function headerJson(chain: RpcChain, entry: RpcBlockEntry): Record<string, unknown> {
  const { header } = entry;
  const next = isOnMainChain(chain, entry) ? chain.getEntryAtHeight(entry.height + 1) : undefined;
  return {
    hash: entry.hash,
    confirmations: confirmations(chain, entry),
    height: entry.height,
    version: header.version,
    versionHex: (header.version >>> 0).toString(16).padStart(8, '0'),
    merkleroot: header.merkleRootHex(),
    time: header.time,
    mediantime: medianTime(entry),
    nonce: header.nonce,
    bits: bitsHex(header.bits),
    difficulty: difficulty(header.bits),
    chainwork: hex32(entry.chainwork),
    nTx: entry.txCount,
    ...(entry.parent ? { previousblockhash: entry.parent.hash } : {}),
    ...(next ? { nextblockhash: next.hash } : {}),
  };
}

/** getblock verbosity 1 (txids) or 2 (decoded txs with hex). */
export function blockJson(chain: RpcChain, entry: RpcBlockEntry, block: Block, verbosity: 1 | 2, bech32Prefix: string): Record<string, unknown> {
  const { nextblockhash, ...head } = headerJson(chain, entry);
  const tx = verbosity === 1 ? block.txs.map((t) => t.txid()) : block.txs.map((t) => ({ ...txJson(t, bech32Prefix), hex: txHex(t) }));
  return {
    ...head,
    strippedsize: block.strippedSize(),
    size: block.size(),
    weight: block.weight(),
    tx,
    ...(nextblockhash ? { nextblockhash } : {}),
  };
}
