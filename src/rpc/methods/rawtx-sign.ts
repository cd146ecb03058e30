/**
 * signrawtransactionwithkey and signrawtransactionwithwallet, as Core: each input's spent output
 * comes from `prevtxs`, else the UTXO set or the mempool (else, for the wallet, its own txs);
 * inputs we hold the key of are signed (BIP143, low-S, by consensus/p2wpkh.ts); every input is
 * then verified, and those that fail are listed in `errors`.
 */
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { inputErrors } from '../../consensus/psbt-roles.js';
import { p2wpkhScript } from '../../consensus/script.js';
import { signTransaction, type InputSigner } from '../../consensus/p2wpkh.js';
import { fromHex, hexToHash, toHex } from '../../primitives/bytes.js';
import { isValidPrivateKey, publicKeyFromPrivate, publicKeyHash } from '../../primitives/keys.js';
import { OutPoint } from '../../primitives/outpoint.js';
import { Transaction, type TxOutput } from '../../primitives/transaction.js';
import { parseAmount } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import { type Params, jsonType, parseHash } from '../params.js';
import { decodeHexTx, isHex, parseSighash } from './rawtx-construct.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

const base58check = createBase58check(sha256);

/** The spent output of each input: `prevtxs` first, then the UTXO set, the mempool and (when given) the wallet. */
export async function spentOutputs(ctx: RpcContext, tx: Transaction, given: ReadonlyMap<string, TxOutput>, useWallet: boolean): Promise<(TxOutput | undefined)[]> {
  return Promise.all(
    tx.inputs.map(async (input) => {
      const key = input.prevout.key();
      const known = given.get(key) ?? (await ctx.chain.getCoin(input.prevout)) ?? ctx.mempool.getCoin(input.prevout);
      if (known) return { value: known.value, script: known.script };
      if (useWallet && ctx.wallet) return (await ctx.wallet.findOutput(input.prevout))?.output;
      return undefined;
    }),
  );
}

/** Core's prevtxs argument: [{txid, vout, scriptPubKey, amount}], keyed by outpoint. */
export function parsePrevTxs(p: Params, index: number): Map<string, TxOutput> {
  const map = new Map<string, TxOutput>();
  for (const raw of p.array(index, [])) {
    if (jsonType(raw) !== 'object') throw new RpcError(RpcCode.TYPE_ERROR, `JSON value of type ${jsonType(raw)} is not of expected type object`);
    const fields = raw as Record<string, unknown>;
    if (typeof fields.txid !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'Missing txid');
    const txid = parseHash(fields.txid, 'txid');
    if (typeof fields.vout !== 'number' || !Number.isInteger(fields.vout)) throw new RpcError(RpcCode.TYPE_ERROR, 'Missing vout');
    if (fields.vout < 0 || fields.vout > 0xffffffff) throw invalidParameter('vout cannot be negative');
    if (typeof fields.scriptPubKey !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'Missing scriptPubKey');
    if (!isHex(fields.scriptPubKey)) throw invalidParameter(`scriptPubKey must be hexadecimal string (not '${fields.scriptPubKey}')`);
    if (fields.amount === undefined) throw new RpcError(RpcCode.TYPE_ERROR, 'Missing amount');
    map.set(new OutPoint(hexToHash(txid), fields.vout).key(), { value: parseAmount(fields.amount), script: fromHex(fields.scriptPubKey) });
  }
  return map;
}

/** Core's SignTransactionResultToJSON: hex, complete, and the inputs that do not verify. */
export function signResult(tx: Transaction, spent: readonly (TxOutput | undefined)[]): Record<string, unknown> {
  const errors = inputErrors(tx, spent);
  const rows = tx.inputs.flatMap((input, i) => {
    const error = errors[i];
    if (error === undefined) return [];
    return [{ txid: input.prevout.txidHex(), vout: input.prevout.index, witness: input.witness.map(toHex), scriptSig: toHex(input.scriptSig), sequence: input.sequence, error }];
  });
  return { hex: toHex(tx.encode()), complete: rows.length === 0, ...(rows.length > 0 ? { errors: rows } : {}) };
}

/** A WIF key (compressed only: our chain's witnesses accept nothing else); -5 otherwise. */
export function decodeWifKey(ctx: RpcContext, wif: unknown): Uint8Array {
  if (typeof wif !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
  let payload: Uint8Array;
  try {
    payload = base58check.decode(wif.trim());
  } catch {
    throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Invalid private key');
  }
  // As wallet/wif.ts (which this layer may not import): 0x80 on main networks, 0xef on the others.
  const version = ctx.params.name === 'main' || ctx.params.name === 'bitcoin' ? 0x80 : 0xef;
  const key = payload.slice(1, 33);
  if (payload.length !== 34 || payload[33] !== 0x01 || payload[0] !== version || !isValidPrivateKey(key)) throw new RpcError(RpcCode.INVALID_ADDRESS_OR_KEY, 'Invalid private key');
  return key;
}

async function signWithKey(p: Params, ctx: RpcContext): Promise<unknown> {
  const tx = decodeHexTx(p.hex(0, 'hexstring'));
  const byScript = new Map<string, Uint8Array>();
  for (const wif of p.array(1)) {
    const key = decodeWifKey(ctx, wif);
    byScript.set(toHex(p2wpkhScript(publicKeyHash(publicKeyFromPrivate(key)))), key);
  }
  const given = parsePrevTxs(p, 2);
  const sighashType = parseSighash(p, 3);
  const spent = await spentOutputs(ctx, tx, given, false);
  const signers = spent.map((output): InputSigner | undefined => {
    const key = output && byScript.get(toHex(output.script));
    return key && output ? { privateKey: key, value: output.value, sighashType } : undefined;
  });
  try {
    return signResult(signTransaction(tx, signers), spent);
  } finally {
    for (const key of byScript.values()) key.fill(0);
  }
}

async function signWithWallet(p: Params, ctx: RpcContext): Promise<unknown> {
  const tx = decodeHexTx(p.hex(0, 'hexstring'));
  const given = parsePrevTxs(p, 1);
  const sighashType = parseSighash(p, 2);
  const spent = await spentOutputs(ctx, tx, given, true);
  const witnesses = await walletCall(ctx, (w) => w.signInputs(tx, spent, sighashType));
  const inputs = tx.inputs.map((input, i) => {
    const witness = witnesses[i];
    return witness ? { ...input, scriptSig: new Uint8Array(0), witness } : input;
  });
  return signResult(new Transaction({ version: tx.version, inputs, outputs: tx.outputs, locktime: tx.locktime }), spent);
}

export const rawTxSignMethods: RpcMethod[] = [
  { name: 'signrawtransactionwithkey', group: 'rawtransactions', args: [required('hexstring'), required('privkeys'), optional('prevtxs'), optional('sighashtype')], summary: 'Signs the inputs the given WIF keys own; answers hex, complete and errors.', run: signWithKey },
  { name: 'signrawtransactionwithwallet', group: 'wallet', args: [required('hexstring'), optional('prevtxs'), optional('sighashtype')], summary: "Signs the inputs the wallet's keys own; answers hex, complete and errors.", run: signWithWallet },
];
