/**
 * Mines a powcoin network's genesis block and prints it for pasting into src/params/<network>.ts.
 *
 *   node --import tsx tools/mine-genesis.ts main|test|regtest
 *
 * The block is built the way Bitcoin's was: one coinbase whose scriptSig pushes the bits, the
 * number 4 and a headline, paying 50 coins. Its output is OP_RETURN with a short message rather
 * than Bitcoin's P2PK, which powcoin does not allow; like Bitcoin's, it can never be spent.
 */
import { createHash } from 'node:crypto';
import { Block } from '../src/primitives/block.js';
import { toHex } from '../src/primitives/bytes.js';
import { BlockHeader } from '../src/primitives/header.js';
import { OutPoint } from '../src/primitives/outpoint.js';
import { Transaction } from '../src/primitives/transaction.js';

interface GenesisInputs {
  /** The network's powLimit in compact form. */
  bits: number;
  /** Fixed so the block is reproducible; at or before launch day, so regtest can mine on it at once. */
  time: number;
}

const GENESIS_INPUTS: Record<string, GenesisInputs> = {
  main: { bits: 0x1e0fffff, time: 1795219200 }, // 2026-11-21 00:00 UTC
  test: { bits: 0x1e0fffff, time: 1795222800 }, // 2026-11-21 01:00 UTC
  regtest: { bits: 0x207fffff, time: 1795226400 }, // 2026-11-21 02:00 UTC
};

const HEADLINE = "21/Nov/2026 powcoin: Bitcoin's formats byte for byte, a chain of its own";
const COIN = 100_000_000n;
const OP_RETURN = 0x6a;

/** A direct push: one length byte, so the data must stay under OP_PUSHDATA1 (76 bytes). */
function push(data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length > 75) throw new Error(`direct push of ${data.length} bytes`);
  return Uint8Array.of(data.length, ...data);
}

function u32le(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function genesisCoinbase(network: string, bits: number): Transaction {
  const text = new TextEncoder();
  const scriptSig = Uint8Array.of(...push(u32le(bits)), ...push(Uint8Array.of(4)), ...push(text.encode(HEADLINE)));
  const script = Uint8Array.of(OP_RETURN, ...push(text.encode(`powcoin ${network} genesis`)));
  return new Transaction({
    version: 1,
    inputs: [{ prevout: OutPoint.null(), scriptSig, sequence: 0xffffffff, witness: [] }],
    outputs: [{ value: 50n * COIN, script }],
    locktime: 0,
  });
}

/** The target as 32 little-endian bytes, the order in which a hash is compared against it. */
function targetBytes(bits: number): Uint8Array {
  const size = bits >>> 24;
  const out = new Uint8Array(32);
  const mantissa = [(bits >>> 16) & 0x7f, (bits >>> 8) & 0xff, bits & 0xff];
  for (let i = 0; i < 3; i++) {
    const pos = size - 1 - i;
    if (pos >= 0 && pos < 32) out[pos] = mantissa[i];
  }
  return out;
}

function meetsTarget(hash: Uint8Array, target: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (hash[i] !== target[i]) return hash[i] < target[i];
  }
  return true;
}

function sha256d(data: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

function mine(template: BlockHeader): BlockHeader {
  const bytes = template.encode();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const target = targetBytes(template.bits);
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    view.setUint32(76, nonce, true);
    if (meetsTarget(sha256d(bytes), target)) return template.with({ nonce });
  }
  throw new Error('nonce space exhausted: change the time');
}

function main(): void {
  const network = process.argv[2] ?? '';
  const inputs = GENESIS_INPUTS[network];
  if (!inputs) {
    console.error(`usage: mine-genesis.ts <${Object.keys(GENESIS_INPUTS).join('|')}>`);
    process.exit(2);
  }
  const coinbase = genesisCoinbase(network, inputs.bits);
  const template = new BlockHeader({
    version: 1,
    prevHash: new Uint8Array(32),
    merkleRoot: coinbase.txidBytes(),
    time: inputs.time,
    bits: inputs.bits,
    nonce: 0,
  });
  const started = Date.now();
  const header = mine(template);
  const block = new Block(header, [coinbase]);
  console.log(`network:     ${network}`);
  console.log(`nonce:       ${header.nonce} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  console.log(`genesisHash: ${block.hash()}`);
  console.log(`merkleRoot:  ${header.merkleRootHex()}`);
  console.log(`genesisBlock:\n${toHex(block.encode())}`);
}

main();
