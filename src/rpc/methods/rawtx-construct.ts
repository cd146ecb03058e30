/**
 * Core's rawtransaction_util: building a transaction from createrawtransaction's inputs and
 * outputs arguments, decoding a caller's hex as DecodeHexTx does, and sighash names.
 */
import { AddressError, addressToScript } from '../../primitives/address.js';
import { fromHex } from '../../primitives/bytes.js';
import { DecodeError } from '../../primitives/errors.js';
import { OutPoint } from '../../primitives/outpoint.js';
import { ByteReader } from '../../primitives/reader.js';
import { Transaction, type TxInput, type TxOutput } from '../../primitives/transaction.js';
import { hexToHash } from '../../primitives/bytes.js';
import { parseAmount } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import { type Params, jsonType, parseHash } from '../params.js';
import { SIGHASH_NAMES } from '../format/psbt.js';

const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;
const SEQUENCE_FINAL = 0xffffffff;
const LOCKTIME_MAX = 0xffffffff;

/** createrawtransaction / createpsbt / walletcreatefundedpsbt arguments from `base`: inputs, outputs, locktime. */
export function constructTransaction(p: Params, ctx: RpcContext, base: number, replaceable: boolean): Transaction {
  const rawInputs = p.has(base) ? p.array(base) : [];
  if (!p.has(base + 1)) throw invalidParameter('Invalid parameter, output argument must be non-null');
  const locktime = p.has(base + 2) ? p.int(base + 2) : 0;
  if (locktime < 0 || locktime > LOCKTIME_MAX) throw invalidParameter('Invalid parameter, locktime out of range');
  const inputs = rawInputs.map((raw) => parseInput(raw, replaceable, locktime));
  if (replaceable && inputs.some((input) => input.sequence > MAX_BIP125_RBF_SEQUENCE)) {
    throw invalidParameter('Invalid parameter combination: Sequence number(s) contradict replaceable option');
  }
  return new Transaction({ version: 2, inputs, outputs: parseOutputs(ctx, p.raw(base + 1)), locktime });
}

function parseInput(raw: unknown, replaceable: boolean, locktime: number): TxInput {
  if (jsonType(raw) !== 'object') throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(raw)} is not of expected type object`);
  const fields = raw as Record<string, unknown>;
  if (typeof fields.txid !== 'string') throw invalidParameter('txid must be hexadecimal string (not \'\')');
  const txid = parseHash(fields.txid, 'txid');
  if (fields.vout === undefined) throw invalidParameter('Invalid parameter, missing vout key');
  if (typeof fields.vout !== 'number' || !Number.isInteger(fields.vout)) throw invalidParameter('Invalid parameter, vout must be a number');
  if (fields.vout < 0) throw invalidParameter('Invalid parameter, vout cannot be negative');
  if (fields.vout > 0xffffffff) throw invalidParameter('Invalid parameter, vout out of range');
  let sequence = replaceable ? MAX_BIP125_RBF_SEQUENCE : locktime !== 0 ? SEQUENCE_FINAL - 1 : SEQUENCE_FINAL;
  if (fields.sequence !== undefined) {
    if (typeof fields.sequence !== 'number' || !Number.isInteger(fields.sequence) || fields.sequence < 0 || fields.sequence > SEQUENCE_FINAL) {
      throw invalidParameter('Invalid parameter, sequence number is out of range');
    }
    sequence = fields.sequence;
  }
  return { prevout: new OutPoint(hexToHash(txid), fields.vout), scriptSig: new Uint8Array(0), sequence, witness: [] };
}

/** `{address: amount, data: hex}` or an array of one-key objects, as Core. */
export function parseOutputs(ctx: RpcContext, raw: unknown): TxOutput[] {
  const pairs: Array<[string, unknown]> = [];
  if (Array.isArray(raw)) {
    for (const item of raw) {
      if (jsonType(item) !== 'object' || Object.keys(item as object).length !== 1) throw invalidParameter('Invalid parameter, key-value pair must contain exactly one key');
      pairs.push(Object.entries(item as Record<string, unknown>)[0]);
    }
  } else if (jsonType(raw) === 'object') {
    pairs.push(...Object.entries(raw as Record<string, unknown>));
  } else {
    throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(raw)} is not of expected type object`);
  }
  const seen = new Set<string>();
  let data = false;
  return pairs.map(([key, value]): TxOutput => {
    if (key === 'data') {
      if (data) throw invalidParameter('Invalid parameter, duplicate key: data');
      data = true;
      if (typeof value !== 'string' || !isHex(value)) throw invalidParameter(`Data must be hexadecimal string (not '${String(value)}')`);
      return { value: 0n, script: nullData(fromHex(value)) };
    }
    let script: Uint8Array;
    try {
      script = addressToScript(key, ctx.params.bech32Prefix);
    } catch (err) {
      if (err instanceof AddressError) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, `Invalid address: ${key}`);
      throw err;
    }
    if (seen.has(key.toLowerCase())) throw invalidParameter(`Invalid parameter, duplicated address: ${key}`);
    seen.add(key.toLowerCase());
    return { value: parseAmount(value), script };
  });
}

/** OP_RETURN <data> with the minimal push. */
function nullData(data: Uint8Array): Uint8Array {
  if (data.length > 10_000) throw invalidParameter('Data too large');
  const push = data.length < 0x4c ? [data.length] : data.length <= 0xff ? [0x4c, data.length] : [0x4d, data.length & 0xff, data.length >> 8];
  return Uint8Array.from([0x6a, ...push, ...data]);
}

/** Even-length hex, checked by a loop (no regex over long input). */
export function isHex(text: string): boolean {
  if (text.length % 2 !== 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/**
 * Core's DecodeHexTx: the extended (segwit) form first, then the legacy form, so an unsigned
 * transaction with no inputs (whose 0x00 input count looks like a segwit marker) still decodes.
 * -22 "TX decode failed" when neither reads every byte.
 */
export function decodeHexTx(hex: string, isWitness?: boolean): Transaction {
  if (!isHex(hex)) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'TX decode failed');
  const bytes = fromHex(hex);
  // `iswitness` (fundrawtransaction, converttopsbt) picks one form instead of guessing.
  const attempts = isWitness === undefined ? [Transaction.decode, decodeLegacy] : isWitness ? [Transaction.decode] : [decodeLegacy];
  for (const attempt of attempts) {
    try {
      return attempt(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
    }
  }
  throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'TX decode failed');
}

function decodeLegacy(bytes: Uint8Array): Transaction {
  const reader = new ByteReader(bytes);
  const version = reader.u32('tx version');
  const inputs: TxInput[] = [];
  for (let n = reader.count(41, 'input count'); n > 0; n--) {
    inputs.push({ prevout: OutPoint.read(reader), scriptSig: reader.varBytes('scriptSig'), sequence: reader.u32('sequence'), witness: [] });
  }
  const outputs: TxOutput[] = [];
  for (let n = reader.count(9, 'output count'); n > 0; n--) outputs.push({ value: reader.i64('output value'), script: reader.varBytes('output script') });
  const locktime = reader.u32('tx locktime');
  reader.end('transaction');
  return new Transaction({ version, inputs, outputs, locktime });
}

/** Core's ParseSighashString; DEFAULT means ALL for segwit v0 spends. */
export function parseSighash(p: Params, index: number): number {
  const name = p.string(index, 'DEFAULT');
  if (name === 'DEFAULT') return 0x01;
  const value = SIGHASH_NAMES[name];
  if (value === undefined) throw invalidParameter(`'${name}' is not a valid sighash parameter.`);
  return value;
}
