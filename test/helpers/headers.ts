/** Bare headers for header-tree and sync tests: no bodies, just proof of work. */
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { BlockHeader } from '../../src/primitives/header.js';

/**
 * `count` headers after `parent` with valid proof of work for `bits` (which need not be the bits
 * the rules ask for), `spacing` seconds apart. Cheap with regtest-like targets.
 */
export function mineHeaders(parent: { hash: string; time: number }, count: number, bits: number, powLimit: bigint, spacing = 600, tag = 0): BlockHeader[] {
  const headers: BlockHeader[] = [];
  let prev = hexToInternal(parent.hash);
  let time = parent.time;
  for (let i = 0; i < count; i++) {
    time += spacing;
    const merkleRoot = new Uint8Array(32);
    new DataView(merkleRoot.buffer).setUint32(0, i, true);
    merkleRoot[31] = tag;
    let header: BlockHeader;
    for (let nonce = 0; ; nonce++) {
      header = new BlockHeader({ version: 0x20000000, prevHash: prev, merkleRoot, time, bits, nonce });
      if (checkProofOfWork(header.hashBytes(), bits, powLimit) === undefined) break;
    }
    headers.push(header);
    prev = header.hashBytes();
  }
  return headers;
}

function hexToInternal(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16))).reverse();
}
