/**
 * Core's script and signing utilities that need no wallet: decodescript,
 * combinerawtransaction, joinpsbts, signmessagewithprivkey.
 */
import { randomInt } from 'node:crypto';
import { encodeSegwitAddress } from '../../primitives/address.js';
import { fromHex, toHex } from '../../primitives/bytes.js';
import { COMPACT_SIGNATURE_LENGTH, signDigestRecoverable } from '../../primitives/keys.js';
import { Psbt, PsbtError } from '../../primitives/psbt.js';
import { Transaction } from '../../primitives/transaction.js';
import { messageDigest } from '../../wallet/message.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import { addChecksum as withChecksum } from '../../primitives/descriptor/checksum.js';
import { scriptAsm } from '../format/script.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { decodeTx } from './rawtx.js';
import { decodeWifKey } from './rawtx-sign.js';
import { type RpcMethod, required } from './types.js';

const OP_0 = 0x00;
const OP_1 = 0x51;
const OP_16 = 0x60;
const OP_RETURN = 0x6a;

/** Core's Solver, by script pattern: the type name and, for witness programs, the address. */
export function solveScript(script: Uint8Array, prefix: string): { type: string; address?: string } {
  const n = script.length;
  if (n > 0 && script[0] === OP_RETURN) return { type: 'nulldata' };
  // Witness program: version opcode, one push of 2..40 bytes (BIP141).
  if (n >= 4 && n <= 42 && (script[0] === OP_0 || (script[0] >= OP_1 && script[0] <= OP_16)) && script[1] === n - 2) {
    const version = script[0] === OP_0 ? 0 : script[0] - OP_1 + 1;
    const program = script.subarray(2);
    if (version === 1 && n === 4 && program[0] === 0x4e && program[1] === 0x73) return { type: 'anchor', address: encodeSegwitAddress(prefix, 1, program) };
    if (version === 0 && program.length === 20) return { type: 'witness_v0_keyhash', address: encodeSegwitAddress(prefix, 0, program) };
    if (version === 0 && program.length === 32) return { type: 'witness_v0_scripthash', address: encodeSegwitAddress(prefix, 0, program) };
    if (version === 0) return { type: 'nonstandard' };
    if (version === 1 && program.length === 32) return { type: 'witness_v1_taproot', address: encodeSegwitAddress(prefix, 1, program) };
    return { type: 'witness_unknown', address: encodeSegwitAddress(prefix, version, program) };
  }
  if (n === 25 && script[0] === 0x76 && script[1] === 0xa9 && script[2] === 20 && script[23] === 0x88 && script[24] === 0xac) return { type: 'pubkeyhash' };
  if (n === 23 && script[0] === 0xa9 && script[1] === 20 && script[22] === 0x87) return { type: 'scripthash' };
  if ((n === 35 && script[0] === 33) || (n === 67 && script[0] === 65)) {
    if (script[n - 1] === 0xac) return { type: 'pubkey' };
  }
  if (isMultisig(script)) return { type: 'multisig' };
  return { type: 'nonstandard' };
}

/** OP_k <33- or 65-byte keys...> OP_n OP_CHECKMULTISIG with 1 <= k <= n <= 16. */
function isMultisig(script: Uint8Array): boolean {
  const n = script.length;
  if (n < 37 || script[n - 1] !== 0xae) return false;
  const k = script[0] - OP_1 + 1;
  const total = script[n - 2] - OP_1 + 1;
  if (k < 1 || k > 16 || total < k || total > 16) return false;
  let i = 1;
  for (let key = 0; key < total; key++) {
    const size = script[i];
    if (size !== 33 && size !== 65) return false;
    i += 1 + size;
  }
  return i === n - 2;
}

/** The descriptor Core infers for a script it holds no keys of: addr() when it has an address, pk() for a bare key, else raw(). */
function inferDescriptor(script: Uint8Array, solved: { type: string; address?: string }): string {
  if (solved.address) return withChecksum(`addr(${solved.address})`);
  if (solved.type === 'pubkey') return withChecksum(`pk(${toHex(script.subarray(1, script.length - 1))})`);
  return withChecksum(`raw(${toHex(script)})`);
}

function decodeScript(p: Params, ctx: RpcContext): unknown {
  const script = fromHex(p.hex(0, 'argument'));
  const solved = solveScript(script, ctx.params.bech32Prefix);
  return { asm: scriptAsm(script), desc: inferDescriptor(script, solved), type: solved.type, ...(solved.address ? { address: solved.address } : {}) };
}

/**
 * Core's combinerawtransaction: the first tx with each input's signature data merged in from
 * the others. Every input must spend a coin the node knows (UTXO set or mempool), as Core's
 * view requires; a P2WPKH input has one complete signature, so merging takes the first given.
 */
async function combineRawTransaction(p: Params, ctx: RpcContext): Promise<string> {
  const texts = p.array(0);
  const txs = texts.map((text, i) => {
    if (typeof text !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${text === null ? 'null' : typeof text} is not of expected type string`);
    return decodeTx(text, `TX decode failed for tx ${i}. Make sure the tx has at least one input.`);
  });
  if (txs.length === 0) throw invalidParameter('Missing transactions');
  const first = txs[0];
  const inputs = [];
  for (let i = 0; i < first.inputs.length; i++) {
    const input = first.inputs[i];
    const coin = (await ctx.chain.getCoin(input.prevout)) ?? ctx.mempool.getCoin(input.prevout);
    if (!coin) throw new RpcError(RpcCode.VERIFY_ERROR, 'Input not found or already spent');
    const signed = txs.map((tx) => tx.inputs[i]).find((other) => other !== undefined && (other.witness.length > 0 || other.scriptSig.length > 0));
    inputs.push(signed ? { ...input, scriptSig: signed.scriptSig, witness: signed.witness } : input);
  }
  return toHex(new Transaction({ version: first.version, inputs, outputs: first.outputs, locktime: first.locktime }).encode());
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function joinPsbts(p: Params): string {
  const texts = p.array(0);
  if (texts.length <= 1) throw invalidParameter('At least two PSBTs are required to join PSBTs.');
  try {
    const psbts = texts.map((text) => {
      if (typeof text !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
      return Psbt.fromBase64(text);
    });
    return Psbt.join(psbts, shuffle).toBase64();
  } catch (err) {
    if (!(err instanceof PsbtError)) throw err;
    if (err.code === 'mismatch') throw invalidParameter(err.message);
    throw new RpcError(RpcCode.DESERIALIZATION_ERROR, `TX decode failed ${err.message}`);
  }
}

/** Core's MessageSign with a bare key: the compact signature's header says "compressed P2PKH" (31 + recovery id). */
function signMessageWithPrivKey(p: Params, ctx: RpcContext): string {
  const key = decodeWifKey(ctx, p.string(0) ?? '');
  const message = p.string(1) ?? '';
  const { recovery, signature } = signDigestRecoverable(messageDigest(message), key);
  const out = new Uint8Array(1 + COMPACT_SIGNATURE_LENGTH);
  out[0] = 31 + recovery;
  out.set(signature, 1);
  return Buffer.from(out).toString('base64');
}

export const scriptUtilMethods: RpcMethod[] = [
  { name: 'decodescript', group: 'rawtransactions', args: [required('hexstring')], summary: 'Decodes a hex-encoded script: asm, descriptor, type and address.', run: decodeScript },
  { name: 'combinerawtransaction', group: 'rawtransactions', args: [required('txs')], summary: 'Merges the signatures of several copies of one transaction.', run: combineRawTransaction },
  { name: 'joinpsbts', group: 'rawtransactions', args: [required('txs')], summary: 'Joins the inputs and outputs of several PSBTs into one, shuffled.', run: joinPsbts },
  { name: 'signmessagewithprivkey', group: 'util', args: [required('privkey'), required('message')], summary: 'Signs a message with a WIF private key (base64 compact signature).', run: signMessageWithPrivKey },
];
