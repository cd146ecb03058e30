/**
 * Core 28's submitpackage: a child and its unconfirmed parents, accepted together so the child
 * can pay for a parent below the pool's floor (mempool/package-accept.ts). Accepted txs are
 * announced by the mempool like any other, so p2p relays them.
 */
import { OutPoint } from '../../primitives/outpoint.js';
import type { Transaction } from '../../primitives/transaction.js';
import type { PackageAcceptResult, PackageTxOutcome } from '../../mempool/package-accept.js';
import { packageError, MAX_PACKAGE_COUNT } from '../../mempool/package-test.js';
import { amountJson, parseAmount } from '../amounts.js';
import { RpcCode, RpcError, invalidParameter } from '../errors.js';
import type { RpcContext } from '../interfaces.js';
import type { Params } from '../params.js';
import { decodeTx } from './rawtx.js';
import { type RpcMethod, optional, required } from './types.js';

/** Core's DEFAULT_MAX_RAW_TX_FEE_RATE: 0.10 coins/kvB, in sat/kvB. */
const DEFAULT_MAX_FEE_RATE = 10_000_000n;
/** Core's MAX_SCRIPT_SIZE: a longer output script can never be spent. */
const MAX_SCRIPT_SIZE = 10_000;

/** Core's IsChildWithParentsTree: the last tx spends every other one, and no other depends on another. */
function isChildWithParentsTree(txs: readonly Transaction[]): boolean {
  if (txs.length === 1) return true;
  const child = txs[txs.length - 1];
  const spent = new Set(child.inputs.map((input) => input.prevout.txidHex()));
  const parents = txs.slice(0, -1);
  const parentIds = new Set(parents.map((tx) => tx.txid()));
  if (![...parentIds].every((txid) => spent.has(txid))) return false;
  return parents.every((tx) => tx.inputs.every((input) => !parentIds.has(input.prevout.txidHex())));
}

function checkBurn(txs: readonly Transaction[], maxBurn: bigint): void {
  for (const tx of txs) {
    for (const output of tx.outputs) {
      const unspendable = (output.script.length > 0 && output.script[0] === 0x6a) || output.script.length > MAX_SCRIPT_SIZE;
      if (unspendable && output.value > maxBurn) throw new RpcError(RpcCode.VERIFY_ERROR, 'Unspendable output exceeds maximum configured by user (maxburnamount)');
    }
  }
}

/** The first tx paying above `cap` (sat/kvB), its fee found from the chain, the pool and the package's own outputs. */
async function overFeeCap(txs: readonly Transaction[], cap: bigint, ctx: RpcContext): Promise<number> {
  if (cap === 0n) return -1;
  const created = new Map(txs.flatMap((tx) => tx.outputs.map((output, i) => [new OutPoint(tx.txidBytes(), i).key(), output.value] as const)));
  for (let i = 0; i < txs.length; i++) {
    let fee = -txs[i].outputs.reduce((sum, output) => sum + output.value, 0n);
    let known = true;
    for (const input of txs[i].inputs) {
      const value = created.get(input.prevout.key()) ?? ctx.mempool.getCoin(input.prevout)?.value ?? (await ctx.chain.getCoin(input.prevout))?.value;
      if (value === undefined) known = false;
      else fee += value;
    }
    if (known && fee * 1000n > cap * BigInt(txs[i].vsize())) return i;
  }
  return -1;
}

function txResult(row: PackageTxOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = { txid: row.txid };
  if (row.kind === 'unevaluated') out.error = 'unevaluated';
  if (row.kind === 'different-witness') out['other-wtxid'] = row.otherWtxid;
  if (row.kind === 'invalid') out.error = row.error;
  if (row.kind === 'valid' || row.kind === 'mempool-entry') {
    out.vsize = row.vsize;
    const fees: Record<string, unknown> = { base: amountJson(row.fee ?? 0n) };
    // As Core: a tx already in the pool gets no effective fee rate (it may have entered at a package's).
    if (row.kind === 'valid') Object.assign(fees, { 'effective-feerate': amountJson(row.effectiveFeeRate ?? 0n), 'effective-includes': row.effectiveIncludes ?? [] });
    out.fees = fees;
  }
  return out;
}

async function submitPackage(p: Params, ctx: RpcContext): Promise<unknown> {
  const raw = p.array(0);
  if (raw.length < 1 || raw.length > MAX_PACKAGE_COUNT) throw invalidParameter(`Array must contain between 1 and ${MAX_PACKAGE_COUNT} transactions.`);
  const cap = p.has(1) ? parseAmount(p.raw(1)) : DEFAULT_MAX_FEE_RATE;
  const maxBurn = p.has(2) ? parseAmount(p.raw(2)) : 0n;
  const txs = raw.map((hex) => {
    if (typeof hex !== 'string') throw new RpcError(RpcCode.TYPE_ERROR, 'JSON value is not a string as expected');
    return decodeTx(hex, 'TX decode failed: Make sure the tx has at least one input.');
  });
  if (!isChildWithParentsTree(txs)) throw invalidParameter('package topology disallowed. not child-with-parents or parents depend on each other.');
  checkBurn(txs, maxBurn);
  if (!ctx.mempool.acceptPackage) throw new RpcError(RpcCode.MISC_ERROR, 'Mempool disabled or instance not found');
  const unevaluated = (): PackageTxOutcome[] => txs.map((tx) => ({ txid: tx.txid(), wtxid: tx.wtxid(), kind: 'unevaluated' }));
  let outcome: PackageAcceptResult;
  const invalidPackage = packageError(txs);
  const tooRich = invalidPackage ? -1 : await overFeeCap(txs, cap, ctx);
  if (invalidPackage) outcome = { message: invalidPackage, results: unevaluated(), replaced: [] };
  else if (tooRich >= 0) {
    const results = unevaluated();
    Object.assign(results[tooRich], { kind: 'invalid', error: 'max feerate exceeded' });
    outcome = { message: 'transaction failed', results, replaced: [] };
  } else outcome = await ctx.mempool.acceptPackage(txs);
  return {
    package_msg: outcome.message,
    'tx-results': Object.fromEntries(outcome.results.map((row) => [row.wtxid, txResult(row)])),
    'replaced-transactions': [...new Set(outcome.replaced)],
  };
}

export const submitPackageMethods: RpcMethod[] = [
  {
    name: 'submitpackage',
    group: 'rawtransactions',
    args: [required('package'), optional('maxfeerate'), optional('maxburnamount')],
    summary: 'Submit a package of raw transactions (a child and its unconfirmed parents) to the mempool, judged at the package fee rate, and relay them.',
    run: submitPackage,
  },
];
