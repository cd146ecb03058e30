/**
 * Core's lockunspent/listlockunspent: locked outpoints are left out of coin selection and
 * listunspent (Ledger.locked). A lock lives in memory unless `persistent`, which stores it as
 * `lock/<txid>:<vout>` so it survives a restart (Core's -persistent flag, 0.22+).
 */
import { OutPoint } from '../../primitives/outpoint.js';
import type { Transaction } from '../../primitives/transaction.js';
import { WalletError } from '../errors.js';
import type { SyncContext } from '../sync.js';
import type { WalletParts } from '../parts.js';

const PREFIX = 'lock/';

export async function loadLocks(ctx: SyncContext): Promise<void> {
  for (const key of (await ctx.store.prefix<boolean>(PREFIX)).keys()) ctx.ledger.locked.add(key);
}

export interface OutpointRef {
  txid: string;
  vout: number;
}

/** Locks (`unlock` false) or unlocks the outpoints; unlocking with none given unlocks all, as Core. */
export async function lockUnspent({ ctx }: WalletParts, unlock: boolean, outpoints: readonly OutpointRef[] | undefined, persistent: boolean): Promise<boolean> {
  const { ledger, store } = ctx;
  const batch = store.batch();
  if (outpoints === undefined) {
    if (!unlock) throw new WalletError('invalid-parameter', 'Invalid parameter, transactions must be given to lock');
    for (const key of ledger.locked) batch.del(PREFIX + key);
    ledger.locked.clear();
    await batch.write();
    return true;
  }
  // Every outpoint is checked before any is changed, as Core does.
  const keys = outpoints.map(({ txid, vout }) => {
    const wtx = ledger.get(txid);
    if (!wtx) throw new WalletError('invalid-parameter', 'Invalid parameter, unknown transaction');
    if (vout >= wtx.tx.outputs.length) throw new WalletError('invalid-parameter', 'Invalid parameter, vout index out of bounds');
    const key = `${txid}:${vout}`;
    if (ledger.isSpent(wtxOutpoint(wtx.tx, vout))) throw new WalletError('invalid-parameter', 'Invalid parameter, expected unspent output');
    const locked = ledger.locked.has(key);
    if (unlock && !locked) throw new WalletError('invalid-parameter', 'Invalid parameter, expected locked output');
    if (!unlock && locked) throw new WalletError('invalid-parameter', 'Invalid parameter, output already locked');
    return key;
  });
  for (const key of keys) {
    if (unlock) {
      ledger.locked.delete(key);
      batch.del(PREFIX + key);
    } else {
      ledger.locked.add(key);
      if (persistent) batch.put(PREFIX + key, true);
    }
  }
  await batch.write();
  return true;
}

export function listLockUnspent({ ctx }: WalletParts): OutpointRef[] {
  return [...ctx.ledger.locked].map((key) => {
    const at = key.lastIndexOf(':');
    return { txid: key.slice(0, at), vout: Number(key.slice(at + 1)) };
  });
}


function wtxOutpoint(tx: Transaction, vout: number): OutPoint {
  return new OutPoint(tx.txidBytes(), vout);
}
