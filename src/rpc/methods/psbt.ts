/**
 * BIP174 PSBT methods, as Core: createpsbt, converttopsbt, decodepsbt, analyzepsbt, combinepsbt,
 * finalizepsbt, utxoupdatepsbt need no wallet; walletcreatefundedpsbt and walletprocesspsbt fund,
 * describe and sign with it. A PSBT that does not decode is -22 "TX decode failed <reason>".
 */
import { analyzePsbt, extractTransaction, finalizePsbt, isInputFinal } from '../../consensus/psbt-roles.js';
import { toHex } from '../../primitives/bytes.js';
import { Psbt, PsbtError } from '../../primitives/psbt.js';
import { Transaction, type TxOutput } from '../../primitives/transaction.js';
import { amountJson } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext, RpcWallet } from '../interfaces.js';
import type { Params } from '../params.js';
import { analyzePsbtJson, decodePsbtJson } from '../format/psbt.js';
import { constructTransaction, decodeHexTx, parseSighash } from './rawtx-construct.js';
import { fund, parseFundOptions } from './rawtx-fund.js';
import { type RpcMethod, optional, required } from './types.js';
import { walletCall } from './wallet-errors.js';

/** Runs a PSBT operation, answering its PsbtError as Core does: -22 for bytes, -8 for incompatible PSBTs. */
export function psbtCall<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof PsbtError)) throw err;
    if (err.code === 'mismatch' && err.message.startsWith('PSBTs not compatible')) throw invalidParameter(err.message);
    throw new RpcError(RpcCode.DESERIALIZATION_ERROR, `TX decode failed ${err.message}`);
  }
}

export function parsePsbt(p: Params, index: number): Psbt {
  const text = p.string(index);
  if (text === undefined) throw invalidParameter('psbt is required');
  return psbtCall(() => Psbt.fromBase64(text));
}

export function spentOrUndefined(psbt: Psbt, index: number): TxOutput | undefined {
  return psbtCall(() => psbt.spentOutput(index));
}

/** The updater's part the wallet knows: spent outputs of its own txs, and BIP32 origins of its keys. */
export async function updateFromWallet(wallet: RpcWallet, psbt: Psbt, bip32derivs: boolean): Promise<void> {
  const tx = psbt.tx;
  for (let i = 0; i < psbt.inputCount; i++) {
    const view = psbt.input(i);
    if (isInputFinal(view)) continue;
    if (!view.witnessUtxo && !view.nonWitnessUtxo) {
      const found = await wallet.findOutput(tx.inputs[i].prevout);
      // Both, as Core: the whole parent lets a signer check the amount it signs for.
      if (found) psbtCall(() => psbt.updateInput(i, { nonWitnessUtxo: found.tx, witnessUtxo: found.output }));
    }
    const spent = spentOrUndefined(psbt, i);
    if (!bip32derivs || !spent || view.bip32Derivation.length > 0) continue;
    const origin = await wallet.keyOrigin(spent.script);
    if (origin) psbtCall(() => psbt.updateInput(i, { bip32Derivation: [origin] }));
  }
  if (!bip32derivs) return;
  for (let i = 0; i < psbt.outputCount; i++) {
    if (psbt.outputDerivation(i).length > 0) continue;
    const origin = await wallet.keyOrigin(tx.outputs[i].script);
    if (origin) psbtCall(() => psbt.updateOutput(i, [origin]));
  }
}

async function walletCreateFundedPsbt(p: Params, ctx: RpcContext): Promise<unknown> {
  const options = parseFundOptions(ctx, p.raw(3), { addInputs: !p.has(0) || p.array(0).length === 0 });
  const tx = constructTransaction(p, ctx, 0, options.replaceable);
  const bip32derivs = p.bool(4, true);
  const funded = await fund(ctx, tx, options);
  const psbt = psbtCall(() => Psbt.fromTransaction(funded.tx));
  await walletCall(ctx, (w) => updateFromWallet(w, psbt, bip32derivs));
  return { psbt: psbt.toBase64(), fee: amountJson(funded.fee), changepos: funded.changePosition };
}

async function walletProcessPsbt(p: Params, ctx: RpcContext): Promise<unknown> {
  const psbt = parsePsbt(p, 0);
  const sign = p.bool(1, true);
  const sighashType = parseSighash(p, 2);
  const bip32derivs = p.bool(3, true);
  const finalize = p.bool(4, true);
  await walletCall(ctx, async (wallet) => {
    await updateFromWallet(wallet, psbt, bip32derivs);
    if (!sign) return;
    const spent = Array.from({ length: psbt.inputCount }, (_, i) => (isInputFinal(psbt.input(i)) ? undefined : spentOrUndefined(psbt, i)));
    for (let i = 0; i < psbt.inputCount; i++) {
      const stored = psbt.input(i).sighashType;
      if (spent[i] && stored !== undefined && stored !== sighashType) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'Specified sighash value does not match value stored in PSBT');
    }
    const witnesses = await wallet.signInputs(psbt.tx, spent, sighashType);
    witnesses.forEach((witness, i) => {
      if (witness) psbtCall(() => psbt.updateInput(i, { partialSig: { signature: witness[0], publicKey: witness[1] } }));
    });
  });
  const complete = finalize ? psbtCall(() => finalizePsbt(psbt)) : allFinal(psbt);
  const result: Record<string, unknown> = { psbt: psbt.toBase64(), complete };
  if (complete && finalize) result.hex = toHex(psbtCall(() => extractTransaction(psbt)).encode());
  return result;
}

export function allFinal(psbt: Psbt): boolean {
  for (let i = 0; i < psbt.inputCount; i++) if (!isInputFinal(psbt.input(i))) return false;
  return true;
}

function finalizePsbtMethod(p: Params): unknown {
  const psbt = parsePsbt(p, 0);
  const extract = p.bool(1, true);
  const complete = psbtCall(() => finalizePsbt(psbt));
  if (complete && extract) return { hex: toHex(psbtCall(() => extractTransaction(psbt)).encode()), complete };
  return { psbt: psbt.toBase64(), complete };
}

function combinePsbt(p: Params): string {
  const texts = p.array(0);
  if (texts.length === 0) throw invalidParameter("Parameter 'txs' cannot be empty");
  const psbts = texts.map((text) => {
    if (typeof text !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    return psbtCall(() => Psbt.fromBase64(text));
  });
  return psbtCall(() => psbts.slice(1).reduce((merged, next) => merged.combine(next), psbts[0])).toBase64();
}

async function utxoUpdatePsbt(p: Params, ctx: RpcContext): Promise<string> {
  const psbt = parsePsbt(p, 0);
  if (p.has(1) && p.array(1).length > 0) throw invalidParameter('descriptors are not supported: this node knows only P2WPKH outputs, whose spent output is enough');
  await addSpentOutputs(psbt, ctx);
  return psbt.toBase64();
}

/** Core's updater step without a wallet: each input's spent output from the UTXO set or the mempool. */
export async function addSpentOutputs(psbt: Psbt, ctx: RpcContext): Promise<void> {
  const tx = psbt.tx;
  for (let i = 0; i < psbt.inputCount; i++) {
    const view = psbt.input(i);
    if (isInputFinal(view) || view.witnessUtxo || view.nonWitnessUtxo) continue;
    const prevout = tx.inputs[i].prevout;
    const coin = (await ctx.chain.getCoin(prevout)) ?? ctx.mempool.getCoin(prevout);
    if (coin) psbtCall(() => psbt.updateInput(i, { witnessUtxo: { value: coin.value, script: coin.script } }));
  }
}

function convertToPsbt(p: Params): string {
  const tx = decodeHexTx(p.hex(0, 'hexstring'), p.has(2) ? p.bool(2, true) : undefined);
  const permitSigData = p.bool(1, false);
  const hasSigData = tx.inputs.some((input) => input.scriptSig.length > 0 || input.witness.length > 0);
  if (hasSigData && !permitSigData) throw new RpcError(RpcCode.DESERIALIZATION_ERROR, 'Inputs must not have scriptSigs and scriptWitnesses');
  const inputs = tx.inputs.map((input) => ({ ...input, scriptSig: new Uint8Array(0), witness: [] }));
  return psbtCall(() => Psbt.fromTransaction(new Transaction({ version: tx.version, inputs, outputs: tx.outputs, locktime: tx.locktime }))).toBase64();
}

export const psbtMethods: RpcMethod[] = [
  { name: 'createpsbt', group: 'rawtransactions', args: [required('inputs'), required('outputs'), optional('locktime'), optional('replaceable')], summary: 'A PSBT (base64) of an unsigned transaction from inputs and outputs.', run: (p, ctx) => psbtCall(() => Psbt.fromTransaction(constructTransaction(p, ctx, 0, p.bool(3, false)))).toBase64() },
  { name: 'converttopsbt', group: 'rawtransactions', args: [required('hexstring'), optional('permitsigdata'), optional('iswitness')], summary: 'A PSBT of a raw transaction (signatures dropped when permitsigdata).', run: convertToPsbt },
  { name: 'decodepsbt', group: 'rawtransactions', args: [required('psbt')], summary: "A PSBT's transaction and every input's and output's fields, as JSON.", run: (p, ctx) => decodePsbtJson(parsePsbt(p, 0), ctx.params.bech32Prefix) },
  { name: 'analyzepsbt', group: 'rawtransactions', args: [required('psbt')], summary: 'What each input still needs, the next role, and the fee and size once signed.', run: (p, ctx) => analyzePsbtJson(analyzePsbt(parsePsbt(p, 0), ctx.params.maxMoney)) },
  { name: 'combinepsbt', group: 'rawtransactions', args: [required('txs')], summary: 'Merges PSBTs of the same transaction into one.', run: combinePsbt },
  { name: 'finalizepsbt', group: 'rawtransactions', args: [required('psbt'), optional('extract')], summary: 'Builds final witnesses; answers the network hex when complete.', run: finalizePsbtMethod },
  { name: 'utxoupdatepsbt', group: 'rawtransactions', args: [required('psbt'), optional('descriptors')], summary: 'Adds spent outputs from the UTXO set and mempool to a PSBT.', run: utxoUpdatePsbt },
  { name: 'walletcreatefundedpsbt', group: 'wallet', args: [optional('inputs'), required('outputs'), optional('locktime'), optional('options'), optional('bip32derivs')], summary: 'A PSBT funded by the wallet (inputs and change added), unsigned.', run: walletCreateFundedPsbt },
  { name: 'walletprocesspsbt', group: 'wallet', args: [required('psbt'), optional('sign'), optional('sighashtype'), optional('bip32derivs'), optional('finalize')], summary: "Adds the wallet's data to a PSBT and signs its inputs.", run: walletProcessPsbt },
];
