/**
 * Where the built-in miner's coinbase goes when no --mining-address is given and no wallet is
 * there: a key kept in `<networkDir>/mining.key` (hex, mode 0600), made on first use, so coins
 * mined on one run are still spendable after a restart.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { p2wpkhScript } from '../consensus/script.js';
import { encodeAddress } from '../primitives/address.js';
import { fromHex, toHex } from '../primitives/bytes.js';
import { hash160 } from '../primitives/hash.js';
import { generatePrivateKey, isValidPrivateKey, publicKeyFromPrivate } from '../primitives/keys.js';

export interface MiningKey {
  path: string;
  address: string;
  script: Uint8Array;
  created: boolean;
}

export function loadOrCreateMiningKey(networkDir: string, bech32Prefix: string): MiningKey {
  const path = join(networkDir, 'mining.key');
  const created = !existsSync(path);
  if (created) writeFileSync(path, `${toHex(generatePrivateKey())}\n`, { mode: 0o600 });
  const key = fromHex(readFileSync(path, 'utf8').trim());
  if (!isValidPrivateKey(key)) throw new Error(`${path} does not hold a valid private key`);
  const hash = hash160(publicKeyFromPrivate(key));
  return { path, address: encodeAddress(hash, bech32Prefix), script: p2wpkhScript(hash), created };
}
