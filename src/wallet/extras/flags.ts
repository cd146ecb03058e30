/**
 * Core's setwalletflag. Of Core's wallet flags only avoid_reuse can change after creation
 * (MUTABLE_WALLET_FLAGS); it is stored as `flag/avoid_reuse` and read back on open. What it does
 * is in coins.ts (Ledger.avoidReuse): coins on scripts spent from before are left out of
 * balances and coin selection, and listunspent marks them `reused`.
 */
import { WalletError } from '../errors.js';
import type { SyncContext } from '../sync.js';
import type { WalletParts } from '../parts.js';

const AVOID_REUSE = 'avoid_reuse';
const STORE_KEY = `flag/${AVOID_REUSE}`;

/** Core's STRING_TO_WALLET_FLAG names; all but avoid_reuse are fixed when a wallet is made. */
const KNOWN_FLAGS = new Set([AVOID_REUSE, 'blank', 'key_origin_metadata', 'last_hardened_xpub_cached', 'disable_private_keys', 'descriptor_wallet', 'external_signer']);

/** Core's WALLET_FLAG_CAVEATS for avoid_reuse, shown when it is turned on. */
const AVOID_REUSE_CAVEAT =
  'You need to rescan the blockchain in order to correctly mark used destinations in the past. Until this is done, some destinations may be considered unused, even if the opposite is the case.';

export interface FlagChange {
  flag_name: string;
  flag_state: boolean;
  warnings?: string;
}

export async function loadFlags(ctx: SyncContext): Promise<void> {
  ctx.ledger.avoidReuse = (await ctx.store.prefix<boolean>('flag/')).get(AVOID_REUSE) === true;
}

export async function setWalletFlag({ ctx }: WalletParts, flag: string, value: boolean): Promise<FlagChange> {
  if (!KNOWN_FLAGS.has(flag)) throw new WalletError('invalid-parameter', `Unknown wallet flag: ${flag}`);
  if (flag !== AVOID_REUSE) throw new WalletError('invalid-parameter', `Wallet flag is immutable: ${flag}`);
  if (ctx.ledger.avoidReuse === value) throw new WalletError('invalid-parameter', `Wallet flag is already set to ${value}: ${flag}`);
  const batch = ctx.store.batch();
  if (value) batch.put(STORE_KEY, true);
  else batch.del(STORE_KEY);
  await batch.write();
  ctx.ledger.avoidReuse = value;
  return value ? { flag_name: flag, flag_state: value, warnings: AVOID_REUSE_CAVEAT } : { flag_name: flag, flag_state: value };
}
