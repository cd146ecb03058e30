/**
 * What PSBT and raw-transaction signing (signrawtransactionwithwallet, walletprocesspsbt,
 * descriptorprocesspsbt) ask of the wallet: its signatures over a tx's inputs, the outputs it
 * knows, and the BIP32 origins of its keys (PSBT bip32_derivs).
 */
import type { OutPoint } from '../primitives/outpoint.js';
import type { KeyOrigin } from '../primitives/psbt.js';
import type { Transaction, TxOutput } from '../primitives/transaction.js';
import { signP2wpkhInput } from '../consensus/p2wpkh.js';
import { SighashCache } from '../consensus/sighash.js';
import type { Ledger } from './coins.js';
import { lockedError } from './errors.js';
import type { KeyRing } from './keys.js';
import type { WalletParts } from './parts.js';

/**
 * Signs (BIP143, low-S) each input of `tx` whose spent output, given in `spent`, pays one of our
 * keys; answers the witness [signature, key] per input, undefined for the others.
 */
export function signInputs(parts: WalletParts, tx: Transaction, spent: readonly (TxOutput | undefined)[], sighashType: number): (Uint8Array[] | undefined)[] {
  const owners = spent.map((output) => (output ? parts.ctx.keys.byScript(output.script) : undefined));
  if (owners.some((key) => key) && parts.vault.isLocked) throw lockedError();
  const cache = new SighashCache(tx);
  return owners.map((key, i) => {
    if (!key) return undefined;
    const privateKey = parts.privateKey(key);
    try {
      return signP2wpkhInput(tx, i, spent[i]!.value, privateKey, sighashType, cache);
    } finally {
      privateKey.fill(0);
    }
  });
}

/** The output at `outpoint` and the tx holding it, when that tx is one of ours. */
export function findOutput(ledger: Ledger, outpoint: OutPoint): { output: TxOutput; tx: Transaction } | undefined {
  const wtx = ledger.get(outpoint.txidHex());
  const output = wtx?.tx.outputs[outpoint.index];
  return wtx && output ? { output, tx: wtx.tx } : undefined;
}

/** The BIP32 origin of the key behind `script` when it is one of our HD or descriptor keys. */
export function keyOrigin(keys: KeyRing, fingerprint: string, script: Uint8Array): KeyOrigin | undefined {
  const key = keys.byScript(script);
  if (key?.descriptor) return { publicKey: key.publicKey, ...key.descriptor.origin };
  if (!key?.path) return undefined;
  return { publicKey: key.publicKey, fingerprint, path: parsePath(key.path) };
}

/** "m/84'/1'/0'/0/5" → child indexes, hardened ones at or above 2^31. */
function parsePath(path: string): number[] {
  return path.split('/').slice(1).map((part) => (part.endsWith("'") || part.endsWith('h') ? Number.parseInt(part, 10) + 0x80000000 : Number.parseInt(part, 10)));
}
