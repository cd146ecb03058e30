/**
 * A wallet node with mature coins to spend, for tests that build and sign raw txs by hand
 * (prioritisetransaction, submitpackage): 110 blocks mined to the wallet, its coins listed.
 */
import assert from 'node:assert/strict';
import { type Stack, openStack } from './stack.js';

/** An address no test wallet owns. */
export const OTHER = 'pcrt1qkje59acmlwcw8m206vg0u99u7mvudtmxrhekke';
export const COIN = 100_000_000;

export interface Utxo {
  txid: string;
  vout: number;
  amount: number;
  scriptPubKey: string;
}

export interface Signed {
  hex: string;
  txid: string;
  wtxid: string;
  vsize: number;
}

/** The stack and its wallet's coins: at least `minUtxos` of them, mature. */
export async function openFundedStack(minUtxos: number): Promise<{ stack: Stack; utxos: Utxo[] }> {
  const stack = await openStack({ wallet: true });
  await stack.client.call('generatetoaddress', [110, await stack.client.call<string>('getnewaddress')]);
  const utxos = await stack.client.call<Utxo[]>('listunspent');
  assert.ok(utxos.length >= minUtxos);
  return { stack, utxos };
}

/** `raw` signed by the wallet (completely, or the test fails), with its ids and vsize. */
export async function signWithWallet(s: Stack, raw: string, prevtxs?: unknown[]): Promise<Signed> {
  const signed = await s.client.call<{ hex: string; complete: boolean }>('signrawtransactionwithwallet', prevtxs ? [raw, prevtxs] : [raw]);
  assert.ok(signed.complete);
  const decoded = await s.client.call<{ txid: string; hash: string; vsize: number }>('decoderawtransaction', [signed.hex]);
  return { hex: signed.hex, txid: decoded.txid, wtxid: decoded.hash, vsize: decoded.vsize };
}
