/**
 * `powcoin wallet create | mnemonic | restore`: the seed the user owns. The words are printed
 * only to this terminal, never logged; a passphrase comes from --passphrase or, better (no trace
 * in `ps` or the shell history), the POWCOIN_WALLET_PASSPHRASE variable.
 */
import { readFileSync } from 'node:fs';
import type { JsonRpcClient } from '../rpc/client-base.js';
import { CliError } from './connection.js';
import type { CliIo } from './rpc.js';

export const SEED_USAGE = `  create NAME          a new wallet with a new 24-word seed, printed once: write it down
  restore NAME [WORDS] a wallet restored from its 24 (or 12) words (read from stdin when not given)
  mnemonic             the words of the wallet (an encrypted one needs its passphrase)

  --passphrase P       for create/restore: encrypt the new wallet; for mnemonic: the wallet's passphrase
                       (or set POWCOIN_WALLET_PASSPHRASE, which stays out of ps and the shell history)`;

const WARNING = `These 24 words are the wallet's seed: anyone who reads them can spend its coins, and
without them (or a backupwallet copy) the coins are lost with this computer. Write them on
paper, keep it offline, and never type them into a website. They are not shown again;
'powcoin wallet mnemonic' shows them on request.`;

export interface SeedAction {
  action: 'create' | 'restore' | 'mnemonic';
  args: string[];
  passphrase?: string;
}

/** Takes `--passphrase P` (anywhere after the action) out of the arguments. */
export function seedAction(rest: readonly string[], env: NodeJS.ProcessEnv): SeedAction | undefined {
  const [action, ...tail] = rest;
  if (action !== 'create' && action !== 'restore' && action !== 'mnemonic') return undefined;
  const args: string[] = [];
  let passphrase = env.POWCOIN_WALLET_PASSPHRASE;
  for (let i = 0; i < tail.length; i++) {
    if (tail[i] === '--passphrase') {
      passphrase = tail[++i];
      if (passphrase === undefined) throw new CliError('--passphrase needs a value', 2);
    } else if (tail[i].startsWith('--passphrase=')) passphrase = tail[i].slice('--passphrase='.length);
    else args.push(tail[i]);
  }
  return { action, args, passphrase: passphrase === '' ? undefined : passphrase };
}

export async function runSeedAction(request: SeedAction, client: JsonRpcClient, io: CliIo, readStdin: () => string = () => readFileSync(0, 'utf8')): Promise<number> {
  const { action, args, passphrase } = request;
  if (action === 'mnemonic') {
    if (args.length > 0) throw new CliError('usage: powcoin wallet mnemonic [--passphrase P]', 2);
    io.out(`${await client.call<string>('dumpmnemonic', passphrase === undefined ? [] : [passphrase])}\n`);
    return 0;
  }
  const [name, ...words] = args;
  if (name === undefined) throw new CliError(`usage: powcoin wallet ${action} NAME${action === 'restore' ? ' [WORDS...]' : ''} [--passphrase P]`, 2);
  if (action === 'create') {
    if (words.length > 0) throw new CliError('usage: powcoin wallet create NAME [--passphrase P]', 2);
    const created = await client.call<{ name: string; mnemonic?: string }>('createwallet', [name, false, false, passphrase ?? null]);
    io.out(`Wallet "${created.name}" created${passphrase !== undefined ? ' and encrypted' : ''}.\n\n${WARNING}\n\n${created.mnemonic ?? ''}\n`);
    return 0;
  }
  const mnemonic = (words.length > 0 ? words.join(' ') : readStdin()).trim();
  if (mnemonic === '') throw new CliError('no words given: pass them after the name or on stdin', 2);
  const restored = await client.call<{ name: string }>('createwallet', [name, false, false, passphrase ?? null, false, true, false, false, mnemonic]);
  io.out(`Wallet "${restored.name}" restored: it scanned the chain from the genesis block for its coins.\n`);
  return 0;
}
